"""The change benchmark (``python -m bench.changes --help``): conflict detection and the
calendar range query at the issue's scale. See docs/changes.md."""
