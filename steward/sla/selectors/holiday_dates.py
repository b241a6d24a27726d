"""A country's public holidays for a calendar's year (``holidays.country_holidays``), kept per
process: loaded country by country in process (decision 0045), or, in a web worker, from a
short child process so the worker never imports the package (decision 0114)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType


@lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    # holidays is imported by the first calendar that names a country (the first SLA status
    # a worker shows), not by every web worker that imports this module; a web worker asks a
    # child process instead (decision 0114) and imports it only if the child fails.
    if _CHILD.enabled:
        found = _dates_from_a_child(country, subdivision, year)
        if found is not None:
            return found
    import holidays

    _load_country_alone(holidays, country)
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(found)


_COUNTRY_LOCK = threading.Lock()


class _Child:
    """Whether holiday dates come from a child process (``use_a_child_for_holidays``)."""

    enabled = False
    lock = threading.Lock()
    dates: dict[tuple[str, str, int], frozenset[dt.date]] = {}  # noqa: RUF012
    failed: set[tuple[str, str, int]] = set()  # noqa: RUF012 - not asked of a child again


_CHILD = _Child()
# the child: the same package's dates for the years asked, as ISO text; no Django, no Steward
_CHILD_CODE = """import json, sys, holidays
country, subdivision, *years = sys.argv[1:]
print(json.dumps({y: sorted(map(str, holidays.country_holidays(
    country, subdiv=subdivision or None, years=int(y)))) for y in years}))
"""


def use_a_child_for_holidays(enabled: bool = True) -> None:
    """Holiday dates come from a short child process, so this one never imports ``holidays``
    (~4.6 MB resident in a web worker, decision 0114); ``steward/wsgi.py`` turns it on."""
    _CHILD.enabled = enabled


def _dates_from_a_child(country: str, subdivision: str, year: int) -> frozenset[dt.date] | None:
    """The year's dates from a child process that computes the year before and after too
    (a walk crossing New Year needs them), one child at a time; None if it fails (then the
    caller computes them here, raising what the package raises for an unknown country)."""
    key = (country, subdivision, year)
    with _CHILD.lock:
        if key in _CHILD.failed:  # e.g. an unknown country: the package raises here each time
            return None
        if key not in _CHILD.dates:
            years = [str(y) for y in (year - 1, year, year + 1)]
            command = [sys.executable, "-I", "-c", _CHILD_CODE, country, subdivision, *years]
            try:
                done = subprocess.run(  # noqa: S603 - our code, arguments not a shell's
                    command, capture_output=True, text=True, timeout=60, check=True
                )
                found = json.loads(done.stdout)
            except (OSError, subprocess.SubprocessError, ValueError):
                _CHILD.failed.add(key)
                return None
            if len(_CHILD.dates) + len(_CHILD.failed) > 500:  # a few calendars' years in use
                _CHILD.dates.clear()
                _CHILD.failed.clear()
            for each, days in found.items():
                dates = frozenset(dt.date.fromisoformat(d) for d in days)
                _CHILD.dates[(country, subdivision, int(each))] = dates
        return _CHILD.dates.get(key)


def _load_country_alone(holidays: ModuleType, country: str) -> None:
    """Hand ``holidays``' lazy loader of ``country`` its class, read from the country's own
    module file, so ``country_holidays`` does not import it through ``holidays.countries``,
    whose ``__init__`` imports all ~250 country modules (+8 MB in every web worker that
    shows an SLA status, for the one or two countries its calendars name; decision 0045).
    The class, and so every date, is the one the package would give. An unknown code, or a
    country whose module imports another country (which loads the package anyway), is left
    to ``country_holidays`` as before."""
    loader = getattr(holidays, country, None)
    module_name = getattr(loader, "module_name", "")
    if not module_name.startswith("holidays.countries.") or loader.entity is not None:
        return
    with _COUNTRY_LOCK:
        module = sys.modules.get(module_name)
        if module is None and "holidays.countries" not in sys.modules:
            folder = Path(holidays.__file__).parent / "countries"
            path = folder / f"{module_name.rsplit('.', 1)[1]}.py"
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                return
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
        if module is not None:
            loader.entity = getattr(module, loader.entity_name)
