"""Django's SQLite backend with a writer queue: ``ENGINE = "steward.core.db.sqlite3"``.

The name ends in ``sqlite3`` like Django's, so code that tells the engines apart by
``ENGINE.endswith("sqlite3")`` keeps working (docs/decisions/0060).
"""
