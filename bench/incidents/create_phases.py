"""``python -m bench.incidents.create_phases``: where one HTTP create's time goes, by phase.

On a copy of a kept set (``bench.incidents.scale --build-only``), Django in this process
with the bench server's settings and middleware (``bench.floor.settings``), the test
client POSTs ``--creates`` incidents (the scale bench's body and token) under cProfile,
then as many of the floor's inserts; the warm-up of ``--warmup`` each runs first. Printed:
each phase's cumulative CPU time per request (cProfile on ``time.process_time``: the
machine is shared) for the functions named in ``PHASES`` (phases nest, so they do not add
up), the request's total and the floor's, and ``--top`` functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from bench.incidents import dataset, scale, scenarios, setup

# phase: (file suffix, function name) of the function whose cumulative time it is
PHASES = {
    "middleware + view (handler)": ("django/core/handlers/base.py", "_get_response"),
    "auth (token → actor)": ("steward/api/auth.py", "authenticate"),
    "ninja: parse + validate body": ("ninja/signature/details.py", "resolve"),
    "view: create_incident": ("steward/incidents/api.py", "create_incident"),
    "service: incident_create": ("steward/incidents/services/records.py", "incident_create"),
    "  references (_clean_refs)": ("steward/incidents/services/fields.py", "_clean_refs"),
    "  caller (resolve_ref)": ("steward/core/services/common.py", "resolve_ref"),
    "  priority_for": ("steward/incidents/selectors/classification.py", "priority_for"),
    "  assignment (_pick_agent)": ("steward/incidents/services/fields.py", "_pick_agent"),
    "  SLA clocks planned (before BEGIN)": (
        "steward/incidents/services/clocks.py",
        "clocks_planned",
    ),
    "  writes (_insert)": ("steward/incidents/services/records.py", "_insert"),
    "    incident INSERT (inserts.insert)": ("steward/core/inserts.py", "insert"),
    "    number (next_number)": ("steward/core/numbering.py", "next_number"),
    "    search index (index_new)": ("steward/incidents/services/search_index.py", "index_new"),
    "    SLA clocks (clocks_start)": ("steward/incidents/services/clocks.py", "clocks_start"),
    "    SLA clocks written (clocks_write)": ("steward/sla/services/clocks.py", "clocks_write"),
    "    audit (audit.record)": ("steward/core/audit.py", "record"),
    "    outbox (emit)": ("steward/core/outbox.py", "emit"),
    "    assignment announced": ("steward/incidents/services/records.py", "_announce_assignment"),
    "  commit": ("django/db/backends/base/base.py", "commit"),
    "response: incident_created": ("steward/incidents/selectors/created.py", "incident_created"),
    "response: row_response (rows.py)": ("steward/api/rows.py", "row_response"),
    "response: ninja serialise": ("ninja/operation.py", "_result_to_response"),
    "floor view: insert": ("bench/floor/views.py", "insert"),
}
# the worker's dispatch of the creates' rows (each create emits incident.created and
# incident.assigned), per row: what runs while a SQLite dispatch batch holds the write lock
DISPATCH = {
    "dispatch batches (_dispatch_batches)": ("steward/core/outbox.py", "_dispatch_batches"),
    "  rows' SELECT … (select_for_update)": ("django/db/models/query.py", "__iter__"),
    "  incident.created: notifications.on_created": ("incidents/notifications.py", "on_created"),
    "  incident.created: journeys.on_incident_created": (
        "knowledge/services/journeys.py",
        "on_incident_created",
    ),
    "  incident.assigned: notifications.on_assigned": ("incidents/notifications.py", "on_assigned"),
    "    mail.render": ("steward/core/mail.py", "render"),
    "    mail.queue": ("steward/core/mail.py", "queue"),
    "  rows' UPDATE (bulk_update)": ("django/db/models/query.py", "bulk_update"),
    "  commit": ("django/db/backends/base/base.py", "commit"),
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.create_phases")
    dataset.set_options(parser, rows=4000)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    return parser.parse_args(argv)


def _phases(stats: pstats.Stats, calls: int, phases: dict = PHASES) -> dict[str, float]:
    out = {}
    for label, (suffix, name) in phases.items():
        total = sum(
            value[3]
            for (path, _line, func), value in stats.stats.items()  # type: ignore[attr-defined]
            if func == name and path.endswith(suffix)
        )
        if total:
            out[label] = round(total * 1000 / calls, 3)
    return out


def _measure(client, path: str, body, headers: dict, count: int, warmup: int) -> tuple:  # noqa: ANN001
    import json

    def post(i: int) -> None:
        data = json.dumps(body(f"p{os.getpid()}-{path[-4:]}-{i}-{time.time_ns()}"))
        answer = client.post(path, data, content_type="application/json", **headers)
        assert answer.status_code == 201, answer.content  # noqa: S101

    for i in range(warmup):
        post(i)
    profile = cProfile.Profile(time.process_time)  # CPU: the machine is shared
    cpu, wall = time.process_time(), time.perf_counter()
    profile.enable()
    for i in range(count):
        post(warmup + i)
    profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return pstats.Stats(profile), cpu * 1000 / count, wall * 1000 / count


def _dispatch(top: int) -> None:
    """The worker's dispatch of the rows the creates emitted (no SMTP: consumers only)."""
    from steward.core import outbox
    from steward.core.models import OutboxMessage

    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    rows = pending.filter(topic__startswith="incident.").count()
    pending.exclude(topic__startswith="incident.").update(dispatched_at=time_now())
    profile = cProfile.Profile(time.process_time)
    cpu, wall = time.process_time(), time.perf_counter()
    profile.enable()
    done = outbox._dispatch_batches(200, lambda: None)  # noqa: SLF001
    profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    stats = pstats.Stats(profile)
    print(f"\n== dispatch: {rows} rows ({done} done): {cpu * 1000 / max(1, done):.2f} ms CPU, ")
    print(f"{wall * 1000 / max(1, done):.2f} ms wall per row (profiled)")
    for phase, ms in _phases(stats, max(1, done), DISPATCH).items():
        print(f"  {phase:<50} {ms:8.3f} ms")
    text = io.StringIO()
    stats.stream = text  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    print(text.getvalue().split("\n", 6)[-1][:6000])


def time_now():  # noqa: ANN201
    from django.utils import timezone

    return timezone.now()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    kept = dataset.Kept(
        db=args.db,
        rows=args.rows,
        root=args.data_dir,
        pg_url=args.pg_url,
        settings=scale.FLOOR_SETTINGS,
    )
    if kept.loaded is None:
        print("build the set first: python -m bench.incidents.scale --build-only")
        return 1
    kept.__enter__()
    twin = kept.twin(f"phases-{os.getpid()}")
    try:
        setup.django_in_process(twin)
        from django.test import Client

        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {twin.token}", "HTTP_HOST": "127.0.0.1"}
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
        for label, path, body in (
            ("create", "/api/v1/incidents", scenarios.create_body),
            ("floor", "/__floor__/incidents", scale._insert_body),  # noqa: SLF001
        ):
            stats, cpu, wall = _measure(client, path, body, headers, args.creates, args.warmup)
            print(f"\n== {label}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per request (profiled)")
            for phase, ms in _phases(stats, args.creates).items():
                print(f"  {phase:<44} {ms:8.3f} ms")
            text = io.StringIO()
            stats.stream = text  # type: ignore[attr-defined]
            stats.sort_stats("tottime").print_stats(args.top)
            print(text.getvalue().split("\n", 6)[-1][:6000])
        _dispatch(args.top)
        print(f"load {os.getloadavg()[0]:.1f}")
    finally:
        setup.close_connections()
        twin.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
