"""Step 1: N incidents through ``incidents_import`` (with comments and audit rows), the same
rows through the plain driver into shadow tables, and the search reindex, each timed."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator

from bench.incidents import rawload

# (team, title templates): the spread of the product's own demo history
KINDS = [
    ("network", ["VPN drops every few minutes", "Cannot connect to VPN", "VPN slow from home"]),
    ("network", ["No Wi-Fi in meeting room {n}", "Wi-Fi keeps disconnecting on floor {n}"]),
    ("workplace", ["Laptop will not boot", "Laptop battery swollen", "Broken laptop screen"]),
    ("workplace", ["Printer on floor {n} jams", "Cannot print to PRN-{n}"]),
    ("applications", ["ERP invoice run fails", "CRM very slow", "Error 500 in expenses app"]),
    ("service-desk", ["Password expired", "Locked out after holiday", "MFA token lost"]),
    ("server-storage", ["Mails to customers bounce", "Shared mailbox not updating"]),
    ("database", ["Reporting database slow at month end", "Deadlocks in the order database"]),
    ("security", ["Suspicious email with invoice attachment", "Clicked a phishing link"]),
]
WORDS = [
    "screen",
    "error",
    "network",
    "printer",
    "outlook",
    "teams",
    "login",
    "slow",
    "crash",
    "update",
    "file",
]
REPLIES = ["Thanks, we are looking into it.", "Could you send a screenshot of the error?"]
NOTES = ["Checked the logs: timeouts from the load balancer.", "Escalated to the vendor."]
OPEN_SHARE = 0.15  # share of the history still open: what agent queues page through


class Rows:
    """Deterministic import rows, in batches; callers and team members from the demo."""

    def __init__(self, seed: int = 7) -> None:
        from steward.core.models import Team, User

        self.rng = random.Random(seed)
        self.callers = list(
            User.objects.filter(groups__name="requester").values_list("username", flat=True)
        )
        self.members = {
            t.slug: sorted(m.username for m in t.members.all())
            for t in Team.objects.prefetch_related("members")
        }
        self.now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)

    def batch(self, size: int) -> list[dict]:
        rng, rows = self.rng, []
        for _ in range(size):
            team, titles = rng.choice(KINDS)
            opened = self.now - dt.timedelta(minutes=rng.randint(10, 3 * 365 * 24 * 60))
            row = {
                "title": rng.choice(titles).format(n=rng.randint(1, 9)),
                # the asset tag is a selective search word: about 10 rows per 1,000,000
                "description": f"Caller reports: {' '.join(rng.sample(WORDS, 4))}."
                f" Asset tag{rng.randrange(100_000):05d}.",
                "caller": rng.choice(self.callers),
                "impact": rng.choices([1, 2, 3], [1, 3, 6])[0],
                "urgency": rng.choices([1, 2, 3], [1, 4, 5])[0],
                "opened_at": opened,
                "channel": rng.choice(["portal", "email", "phone", "web", "monitoring"]),
                "team": team,
            }
            if rng.random() < OPEN_SHARE:
                status = rng.choice(["assigned", "in_progress", "in_progress", "on_hold"])
                row["status"] = status
                if status != "assigned":
                    row["assignee"] = rng.choice(self.members[team])
            else:
                row.update(
                    status="closed",
                    resolution_code=rng.choice(["solved", "workaround", "user_error"]),
                    resolution_notes="Fixed and confirmed with the caller.",
                    resolved_at=opened + dt.timedelta(minutes=rng.randint(15, 5 * 24 * 60)),
                    assignee=rng.choice(self.members[team]),
                )
            rows.append(row)
        return rows


# False: the comments are ``Comment`` instances written by ``bulk_create`` (the bench before
# decision 0086); True: the same rows as tuples through ``tuple_inserts.insert_rows``
# (the compiled single-row INSERT once, ``COPY`` on PostgreSQL). tests/bench compares them.
TUPLES = True
COMMENT_COLUMNS = ("content_type_id", "object_id", "author_id", "body", "body_html", "internal")


def _comments(rng: random.Random, incidents: list, agents: list) -> list:
    """0-2 comments per incident (one on average), as ``steward demo`` writes them."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core import markup
    from steward.core.models import Comment
    from steward.incidents.models import Incident

    ct = ContentType.objects.get_for_model(Incident)
    rendered = {body: markup.render(body) for body in REPLIES + NOTES}
    comments = []
    for incident in incidents:
        for _ in range(rng.randint(0, 2)):
            internal = rng.random() < 0.4
            body = rng.choice(NOTES if internal else REPLIES)
            comments.append(
                Comment(
                    content_type=ct,
                    object_id=str(incident.pk),
                    author=rng.choice(agents),
                    body=body,
                    body_html=rendered[body],
                    internal=internal,
                    channel="web",
                )
            )
    return comments


def _comment_rows(rng: random.Random, incidents: list, agents: list) -> list[tuple]:
    """``_comments``' rows (the same draws of ``rng``, the same values) as tuples of
    ``COMMENT_COLUMNS`` and the channel: no model instance per comment."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core import markup
    from steward.incidents.models import Incident

    ct = ContentType.objects.get_for_model(Incident).pk
    rendered = {body: markup.render(body) for body in REPLIES + NOTES}
    authors = [agent.pk for agent in agents]
    randint, random_, choice = rng.randint, rng.random, rng.choice
    rows = []
    for incident in incidents:
        object_id = str(incident.pk)
        for _ in range(randint(0, 2)):
            internal = random_() < 0.4
            body = choice(NOTES if internal else REPLIES)
            rows.append((ct, object_id, choice(authors), body, rendered[body], internal, "web"))
    return rows


def write_comments(rng: random.Random, incidents: list, agents: list) -> list:
    """Write the batch's comments; what the raw driver's shadow rows are made from
    (``Comment`` instances, or ``COMMENT_COLUMNS`` tuples and the channel)."""
    from steward.core.models import Comment
    from steward.core.tuple_inserts import insert_rows

    if not TUPLES:
        notes = _comments(rng, incidents, agents)
        Comment.objects.bulk_create(notes, batch_size=2000)
        return notes
    rows = _comment_rows(rng, incidents, agents)
    insert_rows(Comment, (*COMMENT_COLUMNS, "channel"), rows)
    return rows


def _as_comments(notes: list) -> list:
    """For the raw driver: tuples from ``write_comments`` as objects with a comment's
    attributes (the creation time one "now", as ``insert_rows`` gives the batch)."""
    import types

    from django.utils import timezone

    if not notes or not isinstance(notes[0], tuple):
        return notes
    now, names = timezone.now(), (*COMMENT_COLUMNS, "channel")
    return [
        types.SimpleNamespace(**dict(zip(names, row, strict=True)), created_at=now) for row in notes
    ]


def _batches(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        yield min(size, total - done)
        done += size


def load(total: int, batch_size: int, *, raw: bool = True, progress=print) -> dict:  # noqa: ANN001
    """Import ``total`` incidents; time Steward and the raw driver on the same rows."""
    from django.db import transaction

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.services.bulk import incidents_import

    rows, system = Rows(), Actor.system("bench")
    agents = list(User.objects.filter(groups__name="agent"))
    shadow = rawload.Shadow() if raw else None
    spent = {"generate": 0.0, "import": 0.0, "comments": 0.0, "raw": 0.0, "raw_prepare": 0.0}
    made = comments = 0
    ids: list[int] = []
    began = time.perf_counter()
    for size in _batches(total, batch_size):
        t0 = time.perf_counter()
        batch = rows.batch(size)
        t1 = time.perf_counter()
        with transaction.atomic():
            incidents = incidents_import(system, batch)
            t2 = time.perf_counter()
            notes = write_comments(rows.rng, incidents, agents)
        t3 = time.perf_counter()
        spent["generate"] += t1 - t0
        spent["import"] += t2 - t1
        spent["comments"] += t3 - t2
        made, comments = made + len(incidents), comments + len(notes)
        ids.extend(i.pk for i in incidents)
        if shadow is not None:
            prepared = shadow.prepare(incidents, _as_comments(notes))
            t4 = time.perf_counter()
            shadow.insert(prepared)
            spent["raw_prepare"] += t4 - t3
            spent["raw"] += time.perf_counter() - t4
        if made % (batch_size * 10) == 0 or made == total:
            elapsed = spent["import"] + spent["comments"]
            wall = time.perf_counter() - began
            progress(f"   {made:,} incidents, {made / elapsed:,.0f}/s ({wall:.0f}s)")
    steward_s = spent["import"] + spent["comments"]
    result = {
        "rows": made,
        "comments": comments,
        "audit_rows": made,
        "batch_size": batch_size,
        "seconds": {k: round(v, 2) for k, v in spent.items()},
        "incidents_per_s": round(made / steward_s, 1),
        "import_only_per_s": round(made / spent["import"], 1),
    }
    if shadow is not None:
        result["raw_per_s"] = round(made / spent["raw"], 1)
        result["raw_what"] = shadow.describe()
        shadow.drop()
    result["_ids"] = ids
    return result


def reindex(ids: list[int], chunk: int = 5000, progress=print) -> dict:  # noqa: ANN001
    """``steward.incidents.services.search_index.reindex`` over the loaded rows, in chunks."""
    from django.db import transaction

    from steward.incidents.services import search_index

    began, done = time.perf_counter(), 0
    for k in range(0, len(ids), chunk):
        with transaction.atomic():
            done += search_index.reindex(ids[k : k + chunk])
        if k and k % (chunk * 40) == 0:
            progress(f"   reindexed {done:,} ({time.perf_counter() - began:.0f}s)")
    seconds = time.perf_counter() - began
    return {"rows": done, "seconds": round(seconds, 2), "per_s": round(done / seconds, 1)}
