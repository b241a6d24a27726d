"""Public holidays as the ``holidays`` package gives them: what the holiday fill stores per
calendar (services/holidays.py) and what business time computes only for a spec without
stored dates. Importing this module imports nothing of the package; calling it does
(+4.6 MB, ~60 modules; decisions 0045, 0127).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
from functools import lru_cache
from types import ModuleType

from steward.worker_imports import load_alone

logger = logging.getLogger(__name__)


def package_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    """The package's public holidays of one year, date to name: what the holiday fill
    stores (services/holidays.py) and what ``_holiday_dates`` computes. Imports
    ``holidays`` (+4.6 MB, ~60 modules): the task worker's and the calendar form's, not a
    web worker's SLA status (decision 0127)."""
    import holidays

    _load_country_alone(holidays, country)
    return dict(holidays.country_holidays(**_arguments(holidays, country, subdivision), years=year))


def _arguments(holidays: ModuleType, country: str, subdivision: str) -> dict[str, object]:
    """The names in the country's own language (Neujahr, not New Year's Day), whatever the
    locale of the process that stores them: the package otherwise follows ``LANG``."""
    arguments: dict[str, object] = {"country": country, "subdiv": subdivision or None}
    # no years: nothing is computed, the instance only says its language
    language = getattr(holidays.country_holidays(**arguments), "default_language", None)
    return {**arguments, "language": language}


@lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    return frozenset(package_holidays(country, subdivision, year))


@lru_cache(maxsize=512)
def _unstored_holiday_dates(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    """A stored calendar asked for a year its rows do not cover (a clock started years ago,
    a due time far ahead): computed in this process, which imports ``holidays``; said once
    per year, so an operator sees why a web worker grew (decision 0127)."""
    logger.warning(
        "public holidays of %s%s for %s are not stored: computed in this process",
        country,
        f"/{subdivision}" if subdivision else "",
        year,
    )
    return _holiday_dates(country, subdivision, year)


_COUNTRY_LOCK = threading.Lock()


def _load_country_alone(holidays: ModuleType, country: str) -> None:
    """Hand ``holidays``' lazy loader of ``country`` its class, read from the country's own
    module file (``worker_imports.load_alone``), so ``country_holidays`` does not import it
    through ``holidays.countries``, whose ``__init__`` imports all ~250 country modules (+8
    MB in every web worker that shows an SLA status, for the one or two countries its
    calendars name; decision 0045). The class, and so every date, is the one the package
    would give. An unknown code, or a country whose module imports another country (which
    loads the package anyway), is left to ``country_holidays`` as before. Under the lock, so
    two threads neither load the file twice nor read a module still being loaded."""
    loader = getattr(holidays, country, None)
    module_name = getattr(loader, "module_name", "")
    if not module_name.startswith("holidays.countries.") or loader.entity is not None:
        return
    with _COUNTRY_LOCK:
        load_alone(module_name)  # nothing if the package or the module is loaded already
        module = sys.modules.get(module_name)
        if module is not None:
            loader.entity = getattr(module, loader.entity_name)
