"""The CMDB benchmark (``make bench-cmdb``, ``python -m bench.cmdb --help``): impact
analysis, filtered lists, CSV import and ``as_of`` reads over HTTP on a large layered
estate, each beside the raw-database or in-memory figure. See docs/benchmarks-cmdb.md.
"""
