"""Catalogue benchmarks (python -m bench.catalog)."""
