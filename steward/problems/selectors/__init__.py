"""Every read of problems and known errors, scoped to what the actor may see: the records,
their links to incidents, and their activity."""

from steward.problems.selectors.activity import (
    problem_comment_page,
    problem_comments,
    problem_history,
    problem_timeline,
)
from steward.problems.selectors.links import (
    incidents_to_link,
    known_errors_for_incident,
    problem_changes,
    problem_incident_page,
    problem_incidents,
    problems_of_incident,
)
from steward.problems.selectors.permissions import (
    Move,
    ProblemCapabilities,
    problem_capabilities,
    problem_moves,
)
from steward.problems.selectors.records import (
    problem_allowed_transitions,
    problem_for_update,
    problem_get,
    problem_list,
    problem_visible,
)

__all__ = [
    "Move",
    "ProblemCapabilities",
    "incidents_to_link",
    "known_errors_for_incident",
    "problem_allowed_transitions",
    "problem_capabilities",
    "problem_changes",
    "problem_comment_page",
    "problem_comments",
    "problem_for_update",
    "problem_get",
    "problem_history",
    "problem_incident_page",
    "problem_incidents",
    "problem_list",
    "problem_moves",
    "problem_visible",
    "problem_timeline",
    "problems_of_incident",
]
