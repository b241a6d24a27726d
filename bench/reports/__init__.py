"""``python -m bench.reports``: every report's selector at 200,000 incidents, beside the raw
driver running the same statements, with their plans.

The set is ``bench.incidents.scale``'s kept set (built with ``--build-only`` when it is not
there), with the demo's changes and problems copied in SQL to ``--changes`` and
``--problems`` (``grow``). Each round runs, in a fresh process each, the *baseline* (a
checkout named by ``--baseline``, e.g. ``git archive main steward``, with the indexes this
branch adds dropped) and then this branch (the indexes created, ``ANALYZE`` after both), so
the two are measured alternately on the same rows in one run (``worker``).
"""
