"""``python -m bench.changes``: change management at scale on a fresh database. See --help.

Loads ``--cis`` CIs in a ``depends_on`` tree (CI ``i`` depends on CI ``i // 4``),
``--changes`` scheduled changes over the next year with ``--month`` of them in one calendar
month, and some freeze windows (bench/changes/loader.py). Then measures:

1. ``conflicts_for`` for a new change on a random CI in that month (same CI, dependent CIs
   to depth 3 both ways, freeze windows), in process;
2. ``change_calendar`` for the month, in process, and the month page (in-process client);
3. ``POST /api/v1/changes`` with 1–3 CIs and the risk questionnaire answered, over HTTP
   against ``steward serve --workers 2`` from ``--clients`` processes;

each beside the plain driver doing the same work (the same SQL replayed; the same rows
written). ``--profile`` adds cProfile's top functions for each. Targets (the issue's):
conflicts ≤ 50 ms p95 over 100,000 changes and 1,000,000 CIs, a month of 5,000 changes
≤ 50 ms p95, ≥ 500 creates/s. Writes bench/results/changes-<db>-<cis>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench import report
from bench.changes import create, inproc, loader, month
from bench.changes.table import checks
from bench.cmdb.table import render
from bench.incidents import setup
from bench.load import http_factory, run
from bench.server import Server

ALL = ["conflicts", "calendar", "create"]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.changes", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cis", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=100_000, help="scheduled changes")
    parser.add_argument("--month", type=int, default=5_000, help="changes in the timed month")
    parser.add_argument("--samples", type=int, default=200, help="conflict checks timed")
    parser.add_argument("--calendar-samples", type=int, default=20, help="calendar calls timed")
    parser.add_argument("--duration", type=float, default=10, help="measured seconds of create")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up of create")
    parser.add_argument("--clients", type=int, default=4, help="client processes for create")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--scenarios", default=",".join(ALL), help=f"subset of {','.join(ALL)}")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each scenario in-process (top functions)"
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    if set(args.scenarios) - set(ALL):
        parser.error(f"unknown scenarios: {set(args.scenarios) - set(ALL)}")
    if args.month > args.changes:
        parser.error("--month is part of --changes: at most as many")
    return args


def floor_body(unique: str) -> dict:
    """The floor's insert (bench/floor/views.py: an incident, its audit and outbox rows)."""
    return {"title": f"Floor {unique}", "impact": 2, "urgency": 2}


def say(text: str) -> None:
    print(text, flush=True)


class BareServer(Server):
    """``bench.server.Server`` set up (admin and token) but started only after the load."""

    def __enter__(self) -> BareServer:
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self


def brief(figures: dict) -> str:
    return f"p50 {figures['p50_ms']:.2f} p95 {figures['p95_ms']:.2f} p99 {figures['p99_ms']:.2f} ms"


def show_profile(name: str, found: dict) -> None:
    say(
        f"-- profile of {name}: {found['calls']} calls in-process, {found['ms_per_call']} ms"
        " each; own s, cumulative s, function"
    )
    for function, own, cumulative in found["top"]:
        say(f"   {own:8.3f} {cumulative:8.3f}  {function}")


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one script, step by step
    args = parse(argv)
    began = time.monotonic()
    quick = args.cis < 1_000_000 or args.changes < 100_000 or args.month < 5_000
    say(
        f"== bench.changes on {args.db}: {args.cis:,} CIs, {args.changes:,} scheduled changes,"
        f" {args.month:,} in the month"
        + (" (QUICK RUN: smaller than the issue's 1,000,000 / 100,000 / 5,000)" if quick else "")
    )
    background = report.background_load()
    if background > 10:
        say(f"   WARNING: {background:.0f}% of the CPU was busy before the run")
    data: dict = {"command": report.command_line().replace("-m bench", "-m bench.changes", 1)}
    data |= {"db": args.db, "cis_requested": args.cis, "quick_run": quick}
    data["config"] = {k: v for k, v in vars(args).items() if k != "pg_url"}
    rng = random.Random(7)
    # the floor's settings: Steward's URLs plus the bare Django insert (bench/floor), so the
    # create is measured beside the framework floor served by the same server in the same run
    settings = "bench.floor.settings"
    with BareServer(
        db=args.db, workers=args.workers, pg_url=args.pg_url, settings=settings
    ) as server:
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        data["machine"]["load_average"] = report.load_average()
        machine = data["machine"]
        say(
            f"   {machine['cpu']}, {machine['cores']} cores, {machine['date']},"
            f" load average {machine['load_average']}"
        )

        say("-- load")
        loaded = loader.load(
            args.db, cis=args.cis, changes=args.changes, month=args.month, rng=rng, progress=say
        )
        data["load"] = {
            "cis": args.cis,
            "changes": args.changes,
            "month": args.month,
            "freezes": loader.GLOBAL_FREEZES + loader.CI_FREEZES,
            "month_start": loaded.month_start.isoformat(),
            "seconds": loaded.seconds,
        }
        profiles: dict[str, dict] = {}
        from steward.changes import selectors

        if "conflicts" in args.scenarios:
            say(f"-- 1. conflicts_for, {args.samples} new changes in the month (half on a busy CI)")
            inputs = inproc.conflict_inputs(
                rng, cis=args.cis, month_start=loaded.month_start, samples=args.samples
            )
            found = inproc.conflicts(server, inputs)
            data["conflicts"] = found
            say(f"   steward {brief(found['steward'])}; {found['queries']} queries")
            say(f"   SQL     {brief(found['raw'])} (the same statements, plain driver)")
            say(
                f"   conflicting changes found: median {found['conflicting_changes']['median']:g},"
                f" max {found['conflicting_changes']['max']};"
                f" freezes: max {found['freezes_found']['max']}"
            )
            if args.profile:
                calls = [
                    lambda i=i: selectors.conflicts_for(
                        selectors.SYSTEM, change=None, ci_numbers=[i.ci], start=i.start, end=i.end
                    )
                    for i in inputs
                ]
                profiles["conflicts"] = inproc.profile(calls)

        if "calendar" in args.scenarios:
            say(f"-- 2. change_calendar for {loaded.month_start:%B %Y}, {args.month:,} changes")
            start, end = loaded.month_start, loaded.month_end
            found = inproc.calendar(server, start, end, args.calendar_samples)
            data["calendar"] = found
            say(f"   steward {brief(found['steward'])}; {found['changes']:,} changes")
            say(f"   before  {brief(found['before'])} (the selector before decision 0029)")
            say(f"   SQL     {brief(found['raw'])} ({found['raw_rows']:,} rows fetched)")
            say(f"   ORM     {brief(found['orm'])} (select_related + only, the same rows)")
            per_day = month.month(server, start, args.calendar_samples)
            data["month"] = per_day
            say(
                f"   per-day read {brief(per_day['read'])}; {per_day['drawn']} drawn of"
                f" {per_day['changes_on_days']:,} change-days (decision 0036)"
            )
            say(f"   before       {brief(per_day['before'])} (whole read placed in Python)")
            say(f"   its SQL      {brief(per_day['raw'])} ({per_day['raw_rows']} rows fetched)")
            say(f"   page         {brief(per_day['page'])}; {per_day['page_queries']} queries")
            say(
                f"   page before  {brief(per_day['page_before'])};"
                f" {per_day['page_before_queries']} queries, {per_day['path']}"
            )
            if args.profile:
                actor = inproc.admin_actor()
                calls = [lambda: selectors.change_calendar(actor, start=start, end=end)] * 10
                profiles["calendar"] = inproc.profile(calls)
                client, path = inproc._page_client(), inproc.month_page_path(start)
                profiles["month_page"] = inproc.profile([lambda: client.get(path)] * 10)

        if "create" in args.scenarios:
            say("-- 3. POST /api/v1/changes with 1-3 CIs and the risk questionnaire answered")
            answers = create.risk_answers()
            body = create.body_maker(args.cis, answers)
            post = create.api_client(server.headers())
            sample = create.one_create(post, body("sample"))
            rows = create.rows_of(sample["answer"]["number"])
            data["create_sample"] = {k: sample[k] for k in ("queries", "writes", "statements")} | {
                "risk": sample["answer"].get("risk_level"),
                "questions": sorted(answers),
            }
            say(
                f"   one create runs {sample['queries']} statements ({sample['writes']} writes);"
                f" risk {sample['answer'].get('risk_level')}"
            )
            if args.profile:
                calls = [lambda n=n: post(body(f"profile-{n}")) for n in range(50)]
                profiles["create"] = inproc.profile(calls)
            setup.close_connections()
            server.start()
            say(f"   server pid {server.master_pid}, port {server.port}, var {server.var_dir}")
            common = {"clients": args.clients, "cpu": server.cpu_seconds}
            factory = http_factory(server.port, server.headers(), "POST", create.PATH, body, 201)
            http = run(factory, warmup=args.warmup, duration=args.duration, **common).as_dict()
            raw_factory = create.raw_factory(
                server, rows, first_ci=loaded.first_ci_id, cis=args.cis
            )
            total = max(200, min(http["requests"], 20_000))
            raw = run(raw_factory, warmup=1.0, duration=0, total=total, **common).as_dict()
            floor_factory = http_factory(
                server.port,
                server.headers(),
                "POST",
                "/__floor__/incidents",
                floor_body,
                201,
            )
            floor = run(floor_factory, warmup=args.warmup, duration=args.duration, **common)
            floor = floor.as_dict()
            data["create"] = {
                "request": f"POST {create.PATH}",
                "http": http,
                "raw": raw,
                "floor": floor,
                "steward_over_floor": round(http["rps"] / max(floor["rps"], 1e-9), 3),
            }
            say(f"   HTTP  {http['rps']:,.0f}/s {brief(http)}, {http['errors']} errors")
            say(f"   raw   {raw['rps']:,.0f}/s {brief(raw)}, {raw['errors']} errors")
            say(
                f"   floor {floor['rps']:,.0f}/s {brief(floor)}, {floor['errors']} errors"
                f" (bare Django insert); Steward / floor {data['create']['steward_over_floor']}"
            )
            for label, result in (("HTTP", http), ("raw", raw)):
                if result["first_error"]:
                    say(f"   first {label} error: {result['first_error']}")
            cpu = ", ".join(f"{k} {v:.2f}" for k, v in http["cpu_ms"].items())
            say(f"   CPU ms per create: {cpu} (machine {http['machine_busy_pct']:.0f}% busy)")

        data["targets"] = checks(data)
        if profiles:
            data["profile"] = profiles
            for name, found in profiles.items():
                show_profile(name, found)
        elif any(row["met"] is False for row in data["targets"]):
            say("   (a target was missed: --profile prints where the time goes)")
    say("")
    say(render(data, {}))
    data["machine"]["load_average_end"] = report.load_average()
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    report.RESULTS.mkdir(exist_ok=True)
    path = report.RESULTS / f"changes-{args.db}-{args.cis}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    say(f"\nresults: {path}  ({data['wall_seconds']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
