"""The change-management pages of the agent workspace: list, record, form, CAB agenda,
calendar and freeze windows. Thin: they parse, call ``services``/``selectors`` and render."""
