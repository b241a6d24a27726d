"""SLA web forms: parse what the administrator typed and hand it to the services, which
validate and decide (time zones, hours that overlap, unknown organisations, …)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.errors import ValidationFailed
from steward.core.forms import SingleLineField
from steward.web.pickers import MultiPickerField

WEEKDAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_FIELDS = tuple(f"hours_{day}" for day in range(7))
INTERVAL = re.compile(r"^\s*(\S+?)\s*[-–]\s*(\S+)\s*$")
ENTRY = re.compile(r"^entry (\d+): (.*)$")
PRIORITIES = [(p, f"P{p}") for p in range(1, 6)]


def interval_text(intervals: list[tuple[str, str]]) -> str:
    """``[("08:00", "12:00"), ("13:00", "18:00")]`` → ``"08:00-12:00, 13:00-18:00"``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def _words(text: str) -> list[str]:
    """``"network, email"`` → ``["network", "email"]`` (commas or new lines)."""
    return [w.strip() for w in re.split(r"[,\n]", text or "") if w.strip()]


class CalendarForm(forms.Form):
    """A business calendar: zone, public holidays, weekly hours per weekday, closures."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=120, label=_("Name"))
    time_zone = forms.CharField(
        max_length=64,
        label=_("Time zone"),
        help_text=_("IANA name, e.g. Europe/Berlin; the hours below are this zone's wall clock"),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    holiday_country = forms.CharField(
        max_length=3,
        required=False,
        label=_("Public holidays of"),
        help_text=_("ISO country code, e.g. DE; empty: no public holidays"),
    )
    holiday_subdivision = forms.CharField(
        max_length=10,
        required=False,
        label=_("Region"),
        help_text=_("State or region of that country, e.g. BE for Berlin"),
    )
    closures = forms.CharField(
        required=False,
        label=_("Closures"),
        help_text=_("Extra days off, one per line: 2026-12-24 Christmas Eve"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAY_NAMES):
            self.fields[f"hours_{day}"] = forms.CharField(
                required=False,
                label=name,
                help_text=_("e.g. 08:00-12:00, 13:00-18:00; empty: closed") if day == 0 else "",
            )
        self.order_fields(["version", "name", "time_zone", "holiday_country",
                           "holiday_subdivision", *HOURS_FIELDS, "closures"])  # fmt: skip
        self._entries: list[int] = []  # the weekday of each interval handed to the service

    @classmethod
    def initial_for(cls, calendar: Any, weekly: list[list[tuple[str, str]]]) -> dict[str, Any]:
        """The form's values for an existing calendar (``weekly`` from the selector)."""
        return {
            "version": calendar.version,
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "holiday_country": calendar.holiday_country,
            "holiday_subdivision": calendar.holiday_subdivision,
            "closures": "\n".join(
                f"{c.date.isoformat()} {c.name}" for c in calendar.closures.all()
            ),
            **{f"hours_{day}": interval_text(weekly[day]) for day in range(7)},
        }

    def bound_hours(self) -> list:
        """The hours fields (for the page: a weekday's field sits in its row)."""
        return [self[name] for name in HOURS_FIELDS]

    def other_fields(self) -> list:
        return [self[n] for n in ("name", "time_zone", "holiday_country", "holiday_subdivision")]

    def _clean_day(self, name: str) -> list[tuple[str, str]]:
        intervals = []
        for chunk in _words(self.cleaned_data.get(name, "")):
            match = INTERVAL.match(chunk)
            if not match:
                raise forms.ValidationError(
                    _("“%(chunk)s” is not an interval; write start-end, e.g. 08:00-12:00")
                    % {"chunk": chunk}
                )
            intervals.append((match[1], match[2]))
        return intervals

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in HOURS_FIELDS:
            if name in data:
                try:
                    data[name] = self._clean_day(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def values(self) -> dict[str, Any]:
        """The service's arguments: intervals as ``{"weekday", "start", "end"}`` and closures
        as ``{"date", "name"}`` (both checked by the service)."""
        data = self.cleaned_data
        hours, self._entries = [], []
        for day, name in enumerate(HOURS_FIELDS):
            for start, end in data.get(name) or []:
                hours.append({"weekday": day, "start": start, "end": end})
                self._entries.append(day)
        closures = []
        for line in (data.get("closures") or "").splitlines():
            if line.strip():
                day, _, label = line.strip().partition(" ")
                closures.append({"date": day, "name": label.strip()})
        return {
            "name": data["name"],
            "time_zone": data["time_zone"].strip(),
            "holiday_country": data.get("holiday_country", "").strip(),
            "holiday_subdivision": data.get("holiday_subdivision", "").strip(),
            "working_hours": hours,
            "closures": closures,
        }

    def changes(self, current: dict[str, Any]) -> dict[str, Any]:
        """Only what differs from ``current`` (``initial_for``'s values, read back)."""
        before = CalendarForm(data={k: v for k, v in current.items() if v is not None})
        before.is_valid()
        old = before.values()
        new = self.values()
        return {name: value for name, value in new.items() if value != old.get(name)}

    def locate(self, exc: ValidationFailed) -> ValidationFailed:
        """The service names ``working_hours`` and the entry; put it beside its weekday.

        A message about the hours as a whole ("no working time") goes on the form."""
        fields: dict[str, list[str]] = {}
        general: list[str] = []
        for name, messages in exc.fields.items():
            for message in messages:
                target, text = name, message
                if name == "working_hours":
                    target, text = self._weekday_of(message)
                if target:
                    fields.setdefault(target, []).append(text)
                else:
                    general.append(_("Working hours: %(message)s") % {"message": text})
        if general and not any(name in self.fields for name in fields):
            return ValidationFailed({}, message=" ".join(general))
        for message in general:
            self.add_error(None, message)
        return ValidationFailed(fields, message=exc.message)

    def _weekday_of(self, message: str) -> tuple[str | None, str]:
        match = ENTRY.match(message)
        if match and int(match[1]) < len(self._entries):
            return f"hours_{self._entries[int(match[1])]}", match[2]
        short = message[:3]
        if short in WEEKDAY_SHORT:
            return f"hours_{WEEKDAY_SHORT.index(short)}", message
        return None, message


class PolicyForm(forms.Form):
    """An SLA policy: its calendar and targets, the records it applies to, its precedence."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=120, label=_("Name"))
    calendar = forms.ChoiceField(label=_("Business calendar"))
    response_minutes = forms.IntegerField(
        label=_("Response target"), help_text=_("business minutes, e.g. 240 for four hours")
    )
    resolution_minutes = forms.IntegerField(
        label=_("Resolution target"), help_text=_("business minutes")
    )
    warning_percent = forms.IntegerField(
        initial=75, label=_("Warn at"), help_text=_("percent of the target elapsed, 1 to 99")
    )
    priorities = forms.TypedMultipleChoiceField(
        choices=PRIORITIES,
        coerce=int,
        required=False,
        label=_("Priorities"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("none ticked: any priority"),
    )
    categories = MultiPickerField(
        "category",
        label=_("Categories"),
        help_text=_("type part of a category's name; none picked: any category"),
    )
    services = MultiPickerField(
        "service",
        label=_("Services"),
        help_text=_("the records' affected service, by name; none picked: any"),
    )
    organisations = MultiPickerField(
        "organisation",
        label=_("Organisations"),
        help_text=_("type part of an organisation's name; none picked: any"),
    )
    precedence = forms.IntegerField(
        initial=100,
        label=_("Precedence"),
        help_text=_("policies are tried from the lowest number; the first match wins"),
    )
    pause_awaiting_approval = forms.BooleanField(
        required=False,
        label=_("Pause while awaiting approval"),
        help_text=_("catalogue requests: the clocks stop while approvers decide"),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def __init__(self, *args: Any, calendars: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].choices = [(c.slug, c.name) for c in calendars]

    @classmethod
    def initial_for(cls, policy: Any) -> dict[str, Any]:
        return {
            "version": policy.version,
            "name": policy.name,
            "calendar": policy.calendar.slug,
            "response_minutes": policy.response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "warning_percent": policy.warning_percent,
            "priorities": list(policy.priorities),
            "categories": list(policy.categories),
            "services": list(policy.services),
            "organisations": list(policy.organisations),
            "precedence": policy.precedence,
            "pause_awaiting_approval": policy.pause_awaiting_approval,
            "is_active": policy.is_active,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class CalendarFilterForm(forms.Form):
    """The calendar list's filter bar (``components/filter_bar.html``), bound to the query
    string; ``filters.parse_query`` reads the values and its messages land on these fields."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Search name…")}),
    )

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)


class PolicyFilterForm(CalendarFilterForm):
    """The policy list's filter bar: the search, the calendar, active or not."""

    calendar = forms.CharField(label=_("Calendar"), required=False, widget=forms.Select())
    is_active = forms.CharField(
        label=_("Active"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Active or not")), ("true", _("Active")), ("false", _("Inactive"))]
        ),
    )

    def __init__(self, *args: Any, calendars: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Any calendar")), *((c.slug, c.name) for c in calendars)]
        self.fields["calendar"].widget.choices = choices
