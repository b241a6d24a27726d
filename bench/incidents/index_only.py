"""``python -m bench.incidents.index_only``: the search index alone, at N documents.

No Django, no demo: the index table exactly as migrations 0004 and 0014 create it (on SQLite
with the term table, filled from the index as migration 0014 does), filled with the
bench's text distribution (``bulkload.KINDS``/``WORDS``, an asset tag per row, replies and
work notes), then the queries ``selectors/search.py`` runs for a selective and for common
words, beside the naive ranked first page (score every match, keep 50), each p50/p95 over
``--runs``. A database file is kept (``--data-dir``) and reused. It isolates the one part
of a search that grows with the table; the rest of ``incident_list`` (narrowing at most
2,000 ids by primary key, loading one page) does not.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import time
from pathlib import Path

from bench import report
from bench.incidents import dataset
from bench.incidents.bulkload import KINDS, NOTES, REPLIES, WORDS

QUERY_WORDS = {
    "selective": "tag04711",
    "medium": "swollen",
    "common": "vpn",
    "very common": "error",
}
CUT = 2000  # selectors.search.MAX_HITS
MAX_EXPANSION = 32  # selectors.search.MAX_EXPANSION (importing it would need Django set up)
_PLAIN = re.compile(r"[a-z0-9]+")  # selectors.search._PLAIN


def documents(n: int, seed: int = 7):  # noqa: ANN201
    rng = random.Random(seed)
    for i in range(1, n + 1):
        _team, titles = rng.choice(KINDS)
        public = [
            f"INC{i:07d}",
            rng.choice(titles).format(n=rng.randint(1, 9)),
            f"Caller reports: {' '.join(rng.sample(WORDS, 4))}.",
            f"Asset tag{rng.randrange(100_000):05d}.",
        ]
        internal = []
        for _ in range(rng.randint(0, 2)):
            if rng.random() < 0.4:
                internal.append(rng.choice(NOTES))
            else:
                public.append(rng.choice(REPLIES))
        yield i, " ".join(public), " ".join(internal)


def _times(fn, runs: int) -> dict:  # noqa: ANN001
    fn()
    took, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        took.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if took[0] > 2 and len(took) >= 3:
            break

    def p95(values: list[float]) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] * 1000, 2)

    # the CPU time of this process says whether a slow run worked or waited for a core
    return {
        "p50_ms": round(statistics.median(took) * 1000, 2),
        "p95_ms": p95(took),
        "cpu_p50_ms": round(statistics.median(cpu) * 1000, 2),
        "cpu_p95_ms": p95(cpu),
    }


def sqlite_queries(path: Path, n: int, runs: int) -> dict:
    fresh = not path.exists()
    conn = sqlite3.connect(path)
    if fresh:
        conn.execute(
            "CREATE VIRTUAL TABLE incidents_search USING fts5(public, internal, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        began = time.perf_counter()
        with conn:
            conn.executemany(
                "INSERT INTO incidents_search (rowid, public, internal) VALUES (?, ?, ?)",
                documents(n),
            )
        print(f"   built {n:,} index rows in {time.perf_counter() - began:.0f}s", flush=True)
    t = "incidents_search"
    if (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'incidents_search_terms'").fetchone()
        is None
    ):
        with conn:
            conn.execute(
                "CREATE TABLE incidents_search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID"
            )
            conn.execute(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, {t}, 'row')")
            conn.execute("INSERT INTO incidents_search_terms SELECT term FROM temp.v")
    out = {}
    for label, word in QUERY_WORDS.items():
        match = f'"{word}"*'
        count = conn.execute(f"SELECT count(*) FROM {t} WHERE {t} MATCH ?", [match]).fetchone()[0]

        def steward(w=word, m=match):  # noqa: ANN001, ANN202 - what best_matches runs
            phrase, whole = m, True
            if _PLAIN.fullmatch(w):
                found = conn.execute(
                    "SELECT term FROM incidents_search_terms WHERE term >= ? AND term < ? LIMIT ?",
                    [w, w[:-1] + chr(ord(w[-1]) + 1), MAX_EXPANSION + 1],
                ).fetchall()
                if found and len(found) <= MAX_EXPANSION:
                    phrase = "(" + " OR ".join(f'"{x}"' for (x,) in found) + ")"
                    whole = len(found) == 1
            newest = conn.execute(
                f"SELECT rowid FROM {t} WHERE {t} MATCH ? ORDER BY rowid DESC LIMIT ?",
                [phrase, CUT + 1],
            ).fetchall()
            if len(newest) <= CUT:
                conn.execute(
                    f"SELECT bm25({t}) AS r, rowid FROM {t} WHERE {t} MATCH ? "
                    "ORDER BY r, rowid LIMIT ?",
                    [phrase if whole else m, CUT],
                ).fetchall()

        out[label] = {
            "word": word,
            "matches": count,
            "order": "newest" if count > CUT else "ranked",
            "steward": _times(steward, runs),
            "naive_ranked_50": _times(
                lambda m=match: conn.execute(
                    f"SELECT rowid FROM {t} WHERE {t} MATCH ? ORDER BY bm25({t}) LIMIT 50", [m]
                ).fetchall(),
                runs,
            ),
        }
        print(f"   {label:<12} {json.dumps(out[label])}", flush=True)
    return out


def postgres_queries(url: str, n: int, runs: int) -> dict:
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    exists = conn.execute("SELECT to_regclass('incidents_search')").fetchone()[0]
    if exists is None:
        conn.execute(
            "CREATE TABLE incidents_search (incident_id bigint PRIMARY KEY, "
            "public tsvector NOT NULL, internal tsvector NOT NULL)"
        )
        conn.execute("CREATE INDEX incidents_search_public ON incidents_search USING GIN (public)")
        conn.execute(
            "CREATE INDEX incidents_search_internal ON incidents_search USING GIN (internal)"
        )
        began = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO incidents_search VALUES "
                "(%s, to_tsvector('simple', %s), to_tsvector('simple', %s))",
                list(documents(n)),
            )
        conn.execute("ANALYZE incidents_search")
        print(f"   built {n:,} index rows in {time.perf_counter() - began:.0f}s", flush=True)
    matches = (
        "FROM incidents_search s, to_tsquery('simple', %s) q WHERE s.public @@ q OR s.internal @@ q"
    )
    out = {}
    for label, word in QUERY_WORDS.items():
        q = f"{word}:*"
        count = conn.execute(f"SELECT count(*) {matches}", [q]).fetchone()[0]

        def steward(q=q):  # noqa: ANN001, ANN202 - what best_matches runs
            capped = conn.execute(
                f"WITH m AS MATERIALIZED (SELECT 1 {matches}) "
                "SELECT count(*) FROM (SELECT 1 FROM m LIMIT %s) c",
                [q, CUT + 1],
            ).fetchone()[0]
            if capped > CUT:
                conn.execute(
                    f"SELECT s.incident_id {matches} ORDER BY s.incident_id DESC LIMIT %s", [q, CUT]
                ).fetchall()
            else:
                conn.execute(
                    "SELECT -((ts_rank(s.public, q) + ts_rank(s.internal, q))::float8) AS r, "
                    f"s.incident_id {matches} ORDER BY r, s.incident_id LIMIT %s",
                    [q, CUT],
                ).fetchall()

        out[label] = {
            "word": word,
            "matches": count,
            "order": "newest" if count > CUT else "ranked",
            "steward": _times(steward, runs),
            "naive_ranked_50": _times(
                lambda q=q: conn.execute(
                    f"SELECT s.incident_id {matches} ORDER BY "
                    "ts_rank(s.public, q) + ts_rank(s.internal, q) DESC LIMIT 50",
                    [q],
                ).fetchall(),
                runs,
            ),
        }
        print(f"   {label:<12} {json.dumps(out[label])}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.incidents.index_only", description=__doc__
    )
    dataset.set_options(parser)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    data = {"db": args.db, "rows": args.rows, "machine": report.machine()}
    data["machine"]["background_busy_pct"] = report.background_load()
    print(f"== search index alone, {args.db}, {args.rows:,} documents", flush=True)
    if args.db == "sqlite":
        data["search"] = sqlite_queries(
            args.data_dir / f"index-only-{args.rows}.sqlite3", args.rows, args.runs
        )
    else:
        name = f"steward_bench_index_only_{args.rows}"
        import psycopg

        with psycopg.connect(args.pg_url, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
        data["search"] = postgres_queries(
            args.pg_url.rsplit("/", 1)[0] + "/" + name, args.rows, args.runs
        )
    path = report.write_json(data, f"index-only-{args.db}-{args.rows}")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
