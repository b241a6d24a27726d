"""Every write use case of problems: one function each, transactional, checked, audited."""

from steward.problems.services.links import problem_link_incident, problem_unlink_incident
from steward.problems.services.records import (
    AUDITED,
    EDITABLE,
    problem_comment,
    problem_create,
    problem_update,
)

__all__ = [
    "AUDITED",
    "EDITABLE",
    "problem_comment",
    "problem_create",
    "problem_link_incident",
    "problem_unlink_incident",
    "problem_update",
]
