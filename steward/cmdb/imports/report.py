"""What an import did (or, dry, would do): per row, and in total, bounded in size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

# rows and errors listed in full; beyond these, only counted (10,000 bad rows stay readable)
MAX_ERRORS = 100
MAX_ROWS_SHOWN = 1000


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    ERROR = "error"


@dataclass
class RowResult:
    """One input row: what happens to it, and why."""

    row: int  # 1-based data row number (a CSV's header is row 0)
    kind: str  # "ci" or "relationship"
    action: str
    number: str = ""  # the CI (existing, or allocated when applied)
    matched_on: str = ""  # "source_id", or the identification key that matched
    changes: dict[str, list[Any]] = field(default_factory=dict)  # name → [before, after]
    skipped: dict[str, str] = field(default_factory=dict)  # name → why it was not changed
    errors: dict[str, list[str]] = field(default_factory=dict)  # field → messages
    message: str = ""  # for conflicts

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "kind": self.kind, "action": self.action}
        for name in ("number", "matched_on", "changes", "skipped", "errors", "message"):
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


@dataclass
class ImportReport:
    """The whole batch: counts, the first rows and errors, and whether it was written."""

    source: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[dict[str, Any]] = field(default_factory=list)  # not tied to one row
    applied: bool = False
    seconds: float = 0.0

    def add(self, result: RowResult) -> RowResult:
        self.rows.append(result)
        return result

    def file_error(self, field_name: str, message: str) -> None:
        self.file_errors.append({"row": 0, "field": field_name, "message": message})

    def count(self, action: str, kind: str | None = None) -> int:
        return sum(1 for r in self.rows if r.action == action and kind in (None, r.kind))

    @property
    def counts(self) -> dict[str, int]:
        """Rows per action (CIs), ``relationships_<action>``, and values kept by precedence."""
        actions = (Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.CONFLICT, Action.ERROR)
        found = dict.fromkeys(actions, 0) | {f"relationships_{a}": 0 for a in actions}
        for r in self.rows:
            found[r.action if r.kind == "ci" else f"relationships_{r.action}"] += 1
        found["skipped_values"] = sum(len(r.skipped) for r in self.rows)
        return found

    @property
    def error_count(self) -> int:
        """Every bad value (a row with three bad fields counts three) and file problem."""
        return len(self.file_errors) + sum(
            len(messages) for r in self.rows for messages in r.errors.values()
        )

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def errors(self, limit: int = MAX_ERRORS) -> list[dict[str, Any]]:
        """The first ``limit`` problems as ``{"row", "field", "message"}``."""
        found = list(self.file_errors[:limit])
        for r in self.rows:
            for name, messages in r.errors.items():
                for message in messages:
                    if len(found) >= limit:
                        return found
                    found.append({"row": r.row, "kind": r.kind, "field": name, "message": message})
        return found

    def error_fields(self, limit: int = MAX_ERRORS) -> dict[str, list[str]]:
        """The first errors keyed as the API's error shape names fields: ``rows[3].fqdn``."""
        fields: dict[str, list[str]] = {}
        for error in self.errors(limit):
            plural = "cis" if error.get("kind") == "ci" else "relationships"
            name = f"{plural}[{error['row']}].{error['field']}" if error["row"] else error["field"]
            fields.setdefault(name, []).append(error["message"])
        return fields

    def summary(self) -> str:
        """The counts in a sentence, in the active language (the page's reader's, the API's
        ``Accept-Language``); the counts themselves are in ``counts``."""
        c = self.counts
        counts = {
            "create": c["create"],
            "update": c["update"],
            "unchanged": c["unchanged"],
            "conflict": c["conflict"],
            "relationships_create": c["relationships_create"],
            "relationships_unchanged": c["relationships_unchanged"],
            "errors": self.error_count,
            "source": self.source,
        }
        if not self.ok:
            text = gettext(
                "%(create)s created, %(update)s updated, %(unchanged)s unchanged, %(conflict)s"
                " conflicts; relationships: %(relationships_create)s created,"
                " %(relationships_unchanged)s unchanged; %(errors)s errors; nothing was imported."
            )
        elif self.dry_run or not self.applied:
            text = gettext(
                "%(create)s created, %(update)s updated, %(unchanged)s unchanged, %(conflict)s"
                " conflicts; relationships: %(relationships_create)s created,"
                " %(relationships_unchanged)s unchanged; %(errors)s errors (would be written"
                " from source %(source)s)."
            )
        else:
            text = gettext(
                "%(create)s created, %(update)s updated, %(unchanged)s unchanged, %(conflict)s"
                " conflicts; relationships: %(relationships_create)s created,"
                " %(relationships_unchanged)s unchanged; %(errors)s errors (were written from"
                " source %(source)s)."
            )
        return text % counts

    def as_dict(self, *, rows_limit: int = MAX_ROWS_SHOWN) -> dict[str, Any]:
        """The report as JSON: row details beyond ``rows_limit`` are counted, not listed
        (unchanged rows are listed last, so creates, updates and conflicts come first)."""
        interesting = [r for r in self.rows if r.action != Action.UNCHANGED]
        listed = (interesting + [r for r in self.rows if r.action == Action.UNCHANGED])[:rows_limit]
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "summary": self.summary(),
            "counts": self.counts,
            "error_count": self.error_count,
            "errors": self.errors(),
            "rows": [r.as_dict() for r in sorted(listed, key=lambda r: (r.kind != "ci", r.row))],
            "rows_total": len(self.rows),
            "rows_truncated": len(self.rows) > len(listed),
        }
