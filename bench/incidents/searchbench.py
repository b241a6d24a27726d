"""Search at scale for ``bench.incidents.data``: Steward's first page beside the raw driver.

Steward: ``incident_list(actor, q=word)`` in process (the hits, the visibility narrowing,
the page's rows with their relations and SLA clocks), as the agent ``lead`` and as the
requester with most incidents. Raw: the same database through the plain driver, two
queries that bound what any design costs: the naive ranked first page (score every match,
keep 50) and the index-order first page (the newest 50 matches, no score).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

# selective: one asset tag (about 10 rows per 1,000,000); then ever larger shares
WORDS = {"selective": "tag04711", "medium": "swollen", "common": "vpn", "very common": "error"}
TARGET_MS = 30
SLOW_S = 1.0  # a query slower than this once is timed 3 times, not ``runs``


def _times(fn: Callable[[], object], runs: int) -> dict:
    fn()  # warm: caches, prepared plans, pages read into memory
    first = time.perf_counter()
    fn()
    took = [time.perf_counter() - first]
    for _ in range((runs if took[0] < SLOW_S else 3) - 1):
        began = time.perf_counter()
        fn()
        took.append(time.perf_counter() - began)
    took.sort()
    p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
    return {
        "runs": len(took),
        "p50_ms": round(statistics.median(took) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


def _raw(kept) -> tuple[object, dict[str, str]]:  # noqa: ANN001
    """A plain driver connection and the two bounding queries in its dialect."""
    if kept.db == "postgres":
        import psycopg

        conn = psycopg.connect(kept.database_url, autocommit=True)
        match = (
            "FROM incidents_search s, to_tsquery('simple', %s) q"
            " WHERE s.public @@ q OR s.internal @@ q"
        )
        return conn, {
            "ranked": f"SELECT s.incident_id {match} "
            "ORDER BY ts_rank(s.public, q) + ts_rank(s.internal, q) DESC LIMIT 50",
            "newest": f"SELECT s.incident_id {match} ORDER BY s.incident_id DESC LIMIT 50",
            "count": f"SELECT count(*) {match}",
        }
    import sqlite3

    conn = sqlite3.connect(kept.sqlite_path)
    match = "FROM incidents_search WHERE incidents_search MATCH ?"
    return conn, {
        "ranked": f"SELECT rowid {match} ORDER BY bm25(incidents_search) LIMIT 50",
        "newest": f"SELECT rowid {match} ORDER BY rowid DESC LIMIT 50",
        "count": f"SELECT count(*) {match}",
    }


def measure(kept, runs: int, progress=print) -> dict:  # noqa: ANN001
    from django.db.models import Count

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.models import Incident
    from steward.incidents.selectors import incident_list, search

    top = Incident.objects.values("caller").annotate(n=Count("id")).order_by("-n").first()
    actors = {
        "agent": Actor(user=User.objects.get(username="lead"), channel="api"),
        "requester": Actor(user=User.objects.get(pk=top["caller"]), channel="api"),
    }
    conn, sql = _raw(kept)
    results = {}
    for label, word in WORDS.items():
        pg_word, fts_word = f"{word}:*", f'"{word}"*'
        arg = pg_word if kept.db == "postgres" else fts_word
        row = {"word": word, "matches": conn.execute(sql["count"], [arg]).fetchone()[0]}
        row["mode"] = (
            "newest"
            if len(search.best_matches(word, include_internal=True)) >= search.MAX_HITS
            and row["matches"] > search.MAX_HITS
            else "ranked"
        )
        for who, actor in actors.items():
            row[who] = _times(lambda a=actor, w=word: incident_list(a, q=w), runs)
            row[who]["page_rows"] = len(incident_list(actor, q=word).items)
        for kind in ("ranked", "newest"):
            row[f"raw_{kind}"] = _times(
                lambda k=kind, a=arg: conn.execute(sql[k], [a]).fetchall(), runs
            )
        results[label] = row
        progress(
            f"   {label:<12} {word:<9} {row['matches']:>9,} matches, {row['mode']}: agent p95"
            f" {row['agent']['p95_ms']:.1f} ms, requester p95 {row['requester']['p95_ms']:.1f}"
            f" ms; raw ranked p95 {row['raw_ranked']['p95_ms']:.1f} ms,"
            f" raw newest p95 {row['raw_newest']['p95_ms']:.1f} ms"
        )
    conn.close()
    return results


def render(data: dict) -> str:
    loaded = data.get("loaded", {})
    bulk = loaded.get("bulk", {})
    lines = [
        f"bench.incidents.data on {data['db']}, {data['rows']:,} incidents",
        f"bulk load (when built): {bulk.get('incidents_per_s', 0):,.0f} incidents/s,"
        f" raw driver {bulk.get('raw_per_s', 0):,.0f}/s (Steward / raw "
        f"{bulk.get('incidents_per_s', 0) / max(bulk.get('raw_per_s', 1), 1):.2f})",
        "",
        "| word | matches | order | agent p50 / p95 ms | requester p95 ms | raw ranked p95 |"
        " raw newest p95 | agent / raw ranked | target p95 <= 30 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in data.get("search", {}).values():
        agent, raw = row["agent"], row["raw_ranked"]
        worst = max(agent["p95_ms"], row["requester"]["p95_ms"])
        verdict = "met" if worst <= TARGET_MS else f"missed by {worst / TARGET_MS:.1f}x"
        lines.append(
            f"| {row['word']} | {row['matches']:,} | {row['mode']} | {agent['p50_ms']:.1f} /"
            f" {agent['p95_ms']:.1f} | {row['requester']['p95_ms']:.1f} | {raw['p95_ms']:.1f} |"
            f" {row['raw_newest']['p95_ms']:.1f} | {agent['p95_ms'] / raw['p95_ms']:.2f} |"
            f" {verdict} |"
        )
    return "\n".join(lines)
