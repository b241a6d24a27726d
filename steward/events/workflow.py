"""The alert lifecycle, declared once: services enforce it, the pages draw buttons from it.
A clear event closes an alert from either live state (services/ingest.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from steward.core.workflow import Transition, Workflow
from steward.events.choices import State

ALERT_FLOW = Workflow(
    field="state",
    states=tuple(State.values),
    transitions=[
        Transition(State.OPEN, State.ACKNOWLEDGED, label=_("Acknowledge")),
        Transition(State.OPEN, State.CLOSED, label=_("Close")),
        Transition(State.ACKNOWLEDGED, State.CLOSED, label=_("Close")),
    ],
)
