"""Steward's benchmark harness: ``make bench`` (``python -m bench --help``).

It starts ``steward serve`` on a fresh database, drives it over real HTTP from several
processes, repeats the same database work with the plain driver (sqlite3 or psycopg) for
comparison, prints a table against the Foundation targets and writes
``bench/results/<timestamp>-<db>.json``. See docs/benchmarks.md.
"""
