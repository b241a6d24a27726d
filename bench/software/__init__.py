"""Licence compliance at scale (issue 14): ``python -m bench.software``."""
