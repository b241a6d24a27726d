"""``python -m bench.incidents``: incidents at scale (bulk load, queues, search, SLA maths).

Reuses the general harness: ``bench.server`` (throwaway database and ``steward serve``),
``bench.load`` (closed-loop HTTP load from client processes, percentiles), ``bench.rawdb``
(the raw-driver write floor) and ``bench.report`` (machine facts, JSON file).
"""
