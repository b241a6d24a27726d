"""The asset page's history: the record kit's timeline of audited changes, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from steward.assets.choices import DispositionMethod, Sanitisation
from steward.assets.models import Asset
from steward.core.actor import Actor
from steward.core.selectors.timeline import TimelineEntry, format_date, record_timeline

# the disposition record's changes are audited on the asset, whose model has none of these
# fields: the history showed their stored codes ("Method: — → recycling", a raw ISO date)
_CHOICES = {"method": DispositionMethod, "sanitisation": Sanitisation}


def _disposition_words(rows: list[Any]) -> Callable[[str, Any], Any]:
    def shown(name: str, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        if name in _CHOICES and value in _CHOICES[name].values:
            return str(_CHOICES[name](value).label)
        if name == "certificate_date":
            return format_date(dt.date.fromisoformat(value))
        return value

    return shown


def asset_timeline(actor: Actor, asset: Asset) -> list[TimelineEntry]:
    """Assets carry no comments: the timeline is their audited changes."""
    return record_timeline(actor, asset, comments=[], history=True, values=_disposition_words)
