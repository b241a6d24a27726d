"""Email channel benchmark: ``python -m bench.mail``."""
