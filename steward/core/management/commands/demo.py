"""``steward demo``: a realistic demo organisation (later modules extend it)."""

import importlib
import inspect
import random

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.models import Department, Location, Organisation, User
from steward.core.services import team_create, user_create

PASSWORD = "steward-demo"  # noqa: S105 - demo data only, printed by make run

ORGANISATIONS = [
    ("Northwind Group", "northwind", None),
    ("Northwind Logistics", "northwind-logistics", "northwind"),
    ("Contoso Retail", "contoso", None),
]
LOCATIONS = [
    ("Berlin HQ", "DE", "Europe/Berlin", "northwind"),
    ("Hamburg Warehouse", "DE", "Europe/Berlin", "northwind-logistics"),
    ("New York Office", "US", "America/New_York", "contoso"),
    ("London Office", "GB", "Europe/London", "northwind"),
]
DEPARTMENTS = ["Finance", "Sales", "Human Resources", "Operations", "Marketing", "Legal"]
FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Julia",
    "Karl",
    "Lena",
    "Marco",
    "Nina",
    "Oskar",
    "Paula",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
    "Uwe",
    "Vera",
    "Walter",
    "Xenia",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Schmidt",
    "Miller",
    "Novak",
    "Rossi",
    "Dubois",
    "Jensen",
    "Kowalski",
    "Garcia",
    "Okafor",
    "Tanaka",
    "Larsen",
    "Weber",
    "Brown",
    "Singh",
    "Ivanova",
]
# (username, first, last, roles, teams it belongs to)
STAFF = [
    ("admin", "Ada", "Admin", [Role.ADMIN, Role.AGENT], []),
    ("agent", "Sam", "Desk", [Role.AGENT], ["service-desk"]),
    ("lead", "Lee", "Lead", [Role.TEAM_LEAD, Role.AGENT], ["service-desk", "network"]),
    ("cm", "Cara", "Change", [Role.CHANGE_MANAGER, Role.AGENT], ["cab"]),
    ("am", "Arne", "Assets", [Role.ASSET_MANAGER, Role.AGENT], ["workplace"]),
]
TEAMS = [
    ("Service Desk", "service-desk", "First line: every call, mail and portal request."),
    ("Network", "network", "LAN, WAN, VPN, firewalls, Wi-Fi."),
    ("Server & Storage", "server-storage", "Linux and Windows servers, SAN, backups."),
    ("Applications", "applications", "ERP, CRM and the in-house apps."),
    ("Database", "database", "PostgreSQL, SQL Server, Oracle."),
    ("Workplace", "workplace", "Laptops, phones, printers, software installs."),
    ("Security", "security", "Incidents, vulnerabilities, access reviews."),
    ("Change Advisory Board", "cab", "Reviews normal and high-risk changes."),
]


class Command(BaseCommand):
    help = "Load demo data: organisations, locations, teams, agents and requesters."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo data is already loaded"
        )
        parser.add_argument("--requesters", type=int, default=60)
        parser.add_argument("--seed", type=int, default=7)
        # the browser journeys (tests/journeys) load the demo once per run: a smaller desk
        # tells the same story in seconds instead of minutes
        parser.add_argument("--incidents", type=int, default=3000)

    @transaction.atomic
    def handle(self, *args, **options):
        # the cache stamps read once for the load, as a request reads them, not once per cached
        # value used (thousands of service calls); a bump in it still shows the load's own
        # writes to its next read (core/stamps.py, held)
        with stamps.held():
            self._load(**options)

    def _load(self, *, if_empty, requesters, seed, incidents, **options):
        if Organisation.objects.filter(slug="northwind").exists():
            if if_empty:
                return
            self.stdout.write("Demo data is already loaded.")
            return
        rng = random.Random(seed)
        self.created: list[int] = []
        system = Actor.system("demo")
        orgs = {}
        for name, slug, parent in ORGANISATIONS:
            orgs[slug] = Organisation.objects.create(name=name, slug=slug, parent=orgs.get(parent))
        locations = [
            Location.objects.create(name=n, country=c, time_zone=tz, organisation=orgs[o])
            for n, c, tz, o in LOCATIONS
        ]
        departments = [
            Department.objects.create(organisation=org, name=d)
            for org in orgs.values()
            for d in DEPARTMENTS
        ]
        staff = {}
        for username, first, last, roles, _ in STAFF:
            staff[username] = self._user(
                system, username, first, last, roles, location=rng.choice(locations)
            )
        agents = []
        for i in range(16):
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
            username = f"{first}.{last}".lower()
            agents.append(
                self._user(
                    system, username, first, last, [Role.AGENT], location=rng.choice(locations)
                )
            )
        for name, slug, description in TEAMS:
            members = [u for u, *_rest, teams in STAFF if slug in teams]
            members += [a.username for a in rng.sample(agents, 4)]
            # the change manager chairs the CAB; Lee leads the desk and the network
            lead = {"service-desk": "lead", "network": "lead", "cab": "cm"}.get(slug, members[-1])
            team_create(
                system,
                name=name,
                slug=slug,
                description=description,
                email=f"{slug}@example.com",
                lead=lead,
                members=sorted(set(members)),
            )
        alice = self._user(
            system,
            "alice",
            "Alice",
            "Requester",
            [Role.REQUESTER],
            organisation="northwind",
            location=locations[0],
        )
        alice.department = departments[0]
        alice.save(update_fields=["department"])
        org_slugs = list(orgs)
        for i in range(requesters):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = f"{first[0]}{last}{i}".lower()
            org = rng.choice(org_slugs)
            self._user(
                system,
                username,
                first,
                last,
                [Role.REQUESTER],
                organisation=org,
                location=rng.choice(locations),
            )
        for app in apps.get_app_configs():  # later modules add their own demo data
            if app.name.startswith("steward.") and app.name != "steward.core":
                try:
                    module = importlib.import_module(f"{app.name}.demo")
                except ModuleNotFoundError:
                    continue
                wants = inspect.signature(module.load).parameters
                kwargs = {"count": incidents} if "count" in wants else {}
                loaded = module.load(rng, **kwargs) if wants else module.load()
                count = f"{loaded} demo records" if isinstance(loaded, int) else "demo data"
                self.stdout.write(f"{app.verbose_name}: {count}")
        # one hash for every demo login: hashing 80 passwords one by one takes seconds
        User.objects.filter(pk__in=self.created).update(password=make_password(PASSWORD))
        stamps.bump(stamps.AUTH)  # QuerySet.update sends no signal
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(orgs)} organisations, {len(TEAMS)} teams, "
                f"{User.objects.count()} people. Password for every demo login: {PASSWORD}"
            )
        )

    def _user(self, system, username, first, last, roles, **extra) -> User:
        location = extra.pop("location", None)
        user = user_create(
            system,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            roles=roles,
            **({"location": location.id} if location else {}),
            **extra,
        )
        self.created.append(user.pk)
        if Role.ADMIN in roles:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            stamps.bump(stamps.AUTH)  # QuerySet.update sends no signal
        return user
