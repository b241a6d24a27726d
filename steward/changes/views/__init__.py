"""The web pages of changes, one module per page group: ``records`` (list, change page,
form), ``cab`` (the CAB agenda), ``calendar``, ``freezes``, and ``feeds`` (the iCalendar
feeds and the emailed approval link). Thin: they parse, call ``services``/``selectors``
and render."""
