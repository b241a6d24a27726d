"""A deterministic, layered estate: business services → applications → databases and app
servers → VMs → hosts → storage and network, with fan-in, fan-out and cycles.

Each layer's nodes point at nodes of the layer below (and, for a few kinds, at their own
layer: services on services, applications talking to applications, replicated databases,
a meshed network), which gives cycles. Targets are picked with a skew, so some hosts, arrays
and switches are hubs many things share, as in a real estate. The per-kind out-degrees are
scaled so the whole graph has ``degree`` relationships per CI on average.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

Edge = tuple[int, int, str]  # source index, target index, relationship type
SITES = ["ams", "fra", "lon", "nyc", "sgp", "syd"]

# role: (CI class, share of all CIs)
LAYERS = {
    "svc": ("business_service", 0.02),
    "app": ("application", 0.08),
    "db": ("database", 0.10),
    "appsrv": ("server", 0.10),
    "vm": ("virtual_machine", 0.35),
    "host": ("server", 0.20),
    "sto": ("storage", 0.07),
    "net": ("network_device", 0.08),
}

# (source role, target role, relationship type, relative out-degree of each source)
# A ``part_of`` row is stored the other way round (the part points at the whole), which is
# how the product models "the service consists of the application".
RULES = [
    ("svc", "app", "depends_on", 3.0),
    ("svc", "app", "part_of", 0.5),
    ("svc", "svc", "depends_on", 0.1),
    ("app", "db", "depends_on", 1.5),
    ("app", "appsrv", "runs_on", 1.2),
    ("app", "app", "connects_to", 0.3),
    ("db", "vm", "runs_on", 1.2),
    ("db", "db", "depends_on", 0.2),
    ("appsrv", "vm", "hosted_on", 1.2),
    ("vm", "host", "hosted_on", 1.1),
    ("host", "sto", "connects_to", 1.3),
    ("host", "net", "connects_to", 1.5),
    ("sto", "net", "connects_to", 1.0),
    ("net", "net", "connects_to", 1.2),
]
SKEW = 1.6  # in a window, offset = size * random() ** SKEW: low offsets become hubs
WINDOW = 200  # targets a source's cluster offers in the layer below
GLOBAL_SHARE = 0.1  # links that leave the cluster

ENGINES = [("postgresql", 30), ("oracle", 15), ("mysql", 20), ("mssql", 20), ("mongodb", 10)]
ENGINES += [("redis", 5)]
OSES = [("linux", 70), ("windows", 25), ("aix", 5)]


@dataclass
class Estate:
    """CI rows (in insertion order) and edges as (source index, target index, type)."""

    size: int
    roles: dict[str, range]  # role -> indexes of its CIs
    degree: float
    seed: int

    def role_of(self, index: int) -> str:
        for role, span in self.roles.items():
            if index in span:
                return role
        raise IndexError(index)


def plan(size: int, degree: float = 3.0, seed: int = 5) -> Estate:
    """How many CIs of each role (the rest of the rounding goes to VMs)."""
    counts = {role: max(1, int(size * share)) for role, (_cls, share) in LAYERS.items()}
    counts["vm"] += size - sum(counts.values())
    roles, start = {}, 0
    for role, count in counts.items():
        roles[role] = range(start, start + count)
        start += count
    return Estate(size=size, roles=roles, degree=degree, seed=seed)


def _pick(rng: random.Random, span: range, near: float) -> int:
    """A target in ``span`` for a source at relative position ``near`` (0..1).

    Estates are built in clusters: most links stay in a window of the layer below at the
    source's position (a VM on its cluster's hosts, a host on its room's switches), skewed
    so the window has hubs; the rest go anywhere. Blast radii then do not grow with the
    size of the estate, as in a real one."""
    if rng.random() < GLOBAL_SHARE:
        return span.start + int(len(span) * rng.random())
    window = min(len(span), WINDOW)
    base = span.start + int(near * (len(span) - window))
    return base + int(window * rng.random() ** SKEW)


def _choice(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def row(estate: Estate, index: int, rng: random.Random) -> dict:
    """The import row of CI ``index``: class, a realistic name, attributes by class."""
    role = estate.role_of(index)
    cls = LAYERS[role][0]
    site = SITES[index % len(SITES)]
    n = index - estate.roles[role].start
    name = f"{site}-{role}-{n:07d}"
    attrs: dict = {}
    if role == "svc":
        attrs = {
            "service_code": f"S{n:06d}",
            "sla_tier": _choice(rng, [("gold", 2), ("silver", 3), ("bronze", 5)]),
        }
    elif role == "app":
        attrs = {
            "app_id": f"APP{n:07d}",
            "tier": rng.choice(["frontend", "backend", "batch", "middleware"]),
        }
    elif role == "db":
        attrs = {"instance_name": name, "engine": _choice(rng, ENGINES), "port": 5432}
    elif role in ("appsrv", "host"):
        attrs = {"fqdn": f"{name}.example.net", "serial_number": f"SRV{index:09d}"}
        attrs |= {"os": _choice(rng, OSES), "cpu_count": rng.choice([4, 8, 16, 32, 64])}
    elif role == "vm":
        attrs = {"fqdn": f"{name}.example.net", "vm_uuid": f"vm-{index:012d}"}
        attrs |= {"os": _choice(rng, OSES), "hypervisor": rng.choice(["vmware", "kvm"])}
    elif role == "sto":
        attrs = {"storage_type": rng.choice(["san", "nas"]), "serial_number": f"STO{index:09d}"}
    elif role == "net":
        kinds = ["switch", "router", "firewall", "load_balancer"]
        attrs = {"device_type": rng.choice(kinds), "serial_number": f"NET{index:09d}"}
    status = _choice(rng, [("live", 92), ("maintenance", 3), ("planned", 3), ("retired", 2)])
    return {"ci_class": cls, "name": name, "attributes": attrs, "status": status}


def rows(estate: Estate) -> Iterator[dict]:
    rng = random.Random(estate.seed)
    for index in range(estate.size):
        yield row(estate, index, rng)


def edges(estate: Estate) -> Iterator[Edge]:
    """Unique (source, target, type) with no self-loops, ``degree`` × size of them."""
    rng = random.Random(estate.seed + 1)
    expected = sum(len(estate.roles[src]) * weight for src, _t, _k, weight in RULES)
    scale = estate.degree * estate.size / expected
    wanted = round(estate.degree * estate.size)
    seen: set[int] = set()  # source, target and type packed in one int: 3M keys stay small
    kinds = {kind: i for i, kind in enumerate(sorted({k for *_x, k, _w in RULES}))}
    made = 0

    def one(src_role: str, dst_role: str, kind: str, source: int) -> Edge | None:
        span = estate.roles[src_role]
        target = _pick(rng, estate.roles[dst_role], (source - span.start) / len(span))
        if kind == "part_of":  # the part (application) points at the whole (service)
            source, target = target, source
        key = (source * estate.size + target) * len(kinds) + kinds[kind]
        if source == target or key in seen:
            return None
        seen.add(key)
        return source, target, kind

    for src_role, dst_role, kind, weight in RULES:
        mean = weight * scale
        whole, frac = int(mean), mean - int(mean)
        for source in estate.roles[src_role]:
            for _ in range(whole + (rng.random() < frac)):
                edge = one(src_role, dst_role, kind, source)
                if edge and made < wanted:
                    made += 1
                    yield edge
    # duplicates were dropped and rounding varies: top up with edges of random rules
    weights = [len(estate.roles[s]) * w for s, _d, _k, w in RULES]
    while made < wanted:
        src_role, dst_role, kind, _w = rng.choices(RULES, weights)[0]
        edge = one(src_role, dst_role, kind, rng.choice(estate.roles[src_role]))
        if edge:
            made += 1
            yield edge
