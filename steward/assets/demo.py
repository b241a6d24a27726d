"""Demo assets: a few hundred across states, models and stock rooms; contracts (some ending
within weeks); a few disposed assets with their certificates. Written through the services
as the system, so numbers, audit and events are as in real use."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from steward.assets import selectors, services
from steward.assets.choices import Status
from steward.assets.services import validation
from steward.assets.services.requests import ACTION
from steward.catalog import services as catalog_services
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError

# (name, CMDB class or "", book method, book years, book rate, tax method, tax years, tax rate)
CATEGORIES = [
    ("Laptop", "", "straight_line", 3, 0, "declining_balance", 3, 40),
    ("Desktop", "", "straight_line", 4, 0, "declining_balance", 4, 35),
    ("Monitor", "", "straight_line", 5, 0, "straight_line", 5, 0),
    ("Server", "server", "straight_line", 5, 0, "declining_balance", 5, 30),
    ("Storage", "storage", "straight_line", 5, 0, "declining_balance", 5, 30),
]
# (manufacturer, model, category, warranty months, cost, tag prefix, holds data)
MODELS = [
    ("Dell", "Latitude 7440", "laptop", 36, "1450.00", "LAP", True),
    ("Lenovo", "ThinkPad T14 Gen 4", "laptop", 36, "1380.00", "LAP", True),
    ("Apple", "MacBook Pro 14", "laptop", 12, "2399.00", "LAP", True),
    ("Dell", "OptiPlex 7010", "desktop", 36, "890.00", "DSK", True),
    ("Dell", "P2423D", "monitor", 36, "289.00", "MON", False),
    ("HPE", "ProLiant DL380 Gen11", "server", 60, "11800.00", "SRV", True),
    ("NetApp", "AFF A250", "storage", 60, "32500.00", "STO", True),
]
COUNT = 300
VENDORS = ("Bechtle", "Computacenter", "CDW", "SHI")
RECYCLERS = ("GreenCycle Ltd", "SecureShred AG")


def _staff(system: Actor) -> list:
    return list(core_selectors.user_visible(system).filter(is_active=True).order_by("id")[:120])


def load(rng: random.Random) -> int:
    system = Actor.system("demo")
    if selectors.category_visible(system).exists():
        return 0  # loaded already
    today = timezone.localdate()
    for name, ci_class, bm, by, br, tm, ty, tr in CATEGORIES:
        services.category_create(
            system,
            name=name,
            ci_class=ci_class,
            book_method=bm,
            book_life_years=by,
            book_rate=br,
            tax_method=tm,
            tax_life_years=ty,
            tax_rate=tr,
        )
    models = [
        (
            services.model_create(system, manufacturer=m, name=n, category=c, warranty_months=w),
            Decimal(cost),
            prefix,
            data,
        )
        for m, n, c, w, cost, prefix, data in MODELS
    ]
    locations = list(selectors.location_choices(system))
    rooms = [
        services.stock_room_create(system, name="Main stock room", location=locations[0].pk),
        services.stock_room_create(system, name="Branch stock room", location=locations[-1].pk),
    ]
    for room in rooms:
        for model, *_ in models[:5]:
            services.stock_level_set(
                system, stock_room=room.slug, model=model.pk, reorder_level=rng.choice((2, 4, 6, 8))
            )
    people = _staff(system)
    # each model, team, room, person and site the assets name is read once, not per asset:
    # none of them changes while the assets are written (validation.references_read_once)
    with validation.references_read_once():
        made = _assets(system, rng, models, rooms, today)
        _move(system, rng, made, people, locations)
    _contracts(system, rng, made, today)
    _requestable(system, [m for m, *_ in models if m.category.slug == "laptop"])
    return len(made)


def _assets(system: Actor, rng: random.Random, models: list, rooms: list, today: dt.date) -> list:
    weights = [30, 25, 8, 15, 12, 5, 5]  # laptops dominate, as in any estate
    made = []
    for i in range(1, COUNT + 1):
        model, cost, prefix, data = rng.choices(models, weights=weights)[0]
        bought = today - dt.timedelta(days=rng.randint(10, 1600))
        asset = services.asset_create(
            system,
            asset_tag=f"{prefix}-{i:05d}",
            serial_number=f"SN{rng.randrange(16**8):08X}{i:04d}",
            model=model.pk,
            status=Status.IN_STOCK,
            vendor=rng.choice(VENDORS),
            purchase_order=f"PO-{2023 + i % 4}-{1000 + i}",
            purchase_date=bought,
            cost=cost,
            holds_data=data,
            owner_team="workplace" if prefix in ("LAP", "DSK", "MON") else "server-storage",
            stock_room=rng.choice(rooms).slug,
        )
        made.append(asset)
    return made


def _requestable(system: Actor, laptops: list) -> None:
    """A catalogue item to borrow a laptop: its one task, for the workplace team (the asset
    managers' team in the demo), hands out an in-stock laptop of the chosen model as a loan
    when it is completed (``asset.assign``, services/requests.py)."""
    if not core_selectors.team_visible(system).filter(slug="workplace").exists():
        return
    try:
        catalog_services.item_create(
            system,
            name="Laptop loan",
            category="Hardware",
            description="Borrow a laptop from IT stock for a trip or a project.",
            form=[
                {
                    "key": "model",
                    "label": "Model",
                    "type": "choice",
                    "required": True,
                    "choices": [str(m) for m in laptops],
                },
                {"key": "return_by", "label": "Return by", "type": "date", "required": True},
                {"key": "purpose", "label": "What for", "type": "text", "required": False},
            ],
            task_templates=[
                {"title": "Hand out the laptop", "team": "workplace", "action": ACTION}
            ],
        )
    except DomainError:
        return  # the catalogue already has it (a demo loaded over an older one)


def _set(system: Actor, asset, status: str) -> None:
    services.asset_update(
        system, number=asset.number, expected_version=None, changes={"status": status}
    )


def _move(system: Actor, rng: random.Random, assets: list, people: list, locations: list) -> None:
    """Spread the assets over the lifecycle: most deployed, some in repair, a few retired
    and disposed (with certificates), a handful still on order."""
    for i, asset in enumerate(assets):
        roll = i % 20
        if roll < 11:  # deployed, to a person at a location; every seventh a loan
            services.asset_check_out(
                system,
                number=asset.number,
                person=rng.choice(people).username,
                location=rng.choice(locations).pk,
                due_back=_due_back(i),
            )
        elif roll == 11:
            _set(system, asset, Status.IN_REPAIR)
        elif roll in (12, 13):
            _set(system, asset, Status.RETIRED)
            if roll == 13:
                _dispose(system, rng, asset)
        # 14..19 stay in stock
    # a few on order: created as such
    for n in range(5):
        services.asset_create(
            system,
            asset_tag=f"ORD-{n + 1:05d}",
            serial_number=f"PENDING-{n + 1:05d}",
            model=assets[0].model_id,
            vendor="Bechtle",
            purchase_order=f"PO-2026-{9000 + n}",
            cost="1450.00",
        )


def _due_back(i: int) -> dt.date | None:
    """Every seventh deployed asset is a loan: most overdue by a few days to a few weeks
    (the Loans page and the worker's reminders have something to chase), some not yet due."""
    if i % 7:
        return None
    today = timezone.localdate()
    return today + dt.timedelta(days=10) if i % 3 == 0 else today - dt.timedelta(days=1 + i % 40)


def _dispose(system: Actor, rng: random.Random, asset) -> None:
    services.custody_step_add(
        system, number=asset.number, handed_from="IT stock room", handed_to="Courier"
    )
    services.disposition_update(
        system,
        number=asset.number,
        method=rng.choice(("recycling", "destruction", "resale")),
        sanitisation="purge" if asset.holds_data else "",
        vendor=rng.choice(RECYCLERS),
        certificate_number=f"COD-{asset.number[-5:]}",
        certificate_date=timezone.localdate() - dt.timedelta(days=rng.randint(1, 200)),
    )
    _set(system, asset, Status.DISPOSED)


def _contracts(system: Actor, rng: random.Random, assets: list, today: dt.date) -> None:
    """Support, lease and maintenance contracts; some end within 7, 30 and 90 days."""
    live = [a for a in assets if a.model.category.slug in ("server", "storage")]
    laptops = [a for a in assets if a.model.category.slug == "laptop"]
    ends = (5, 21, 60, 200, 400, 800)
    kinds = ("support", "maintenance", "lease", "warranty")
    for i in range(12):
        covered = rng.sample(live if i % 2 else laptops, k=min(6, len(live if i % 2 else laptops)))
        end = today + dt.timedelta(days=ends[i % len(ends)])
        services.contract_create(
            system,
            title=f"{kinds[i % 4].title()} {'data centre' if i % 2 else 'workplace'} {i + 1}",
            vendor=rng.choice(VENDORS),
            kind=kinds[i % 4],
            start_date=end - dt.timedelta(days=365 * 3),
            end_date=end,
            cost=f"{rng.randint(20, 400) * 100}.00",
            owner_team="server-storage" if i % 2 else "workplace",
            assets=[a.number for a in covered],
        )
