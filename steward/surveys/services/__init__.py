from steward.surveys.services.answers import (
    survey_answer,
    survey_answer_by_link,
    survey_link_read,
    survey_link_token,
)
from steward.surveys.services.configuration import survey_settings_update
from steward.surveys.services.invitations import (
    sampled,
    survey_invite,
    survey_invite_for_incident,
    survey_invite_for_request,
)

__all__ = [
    "sampled",
    "survey_answer",
    "survey_answer_by_link",
    "survey_invite",
    "survey_invite_for_incident",
    "survey_invite_for_request",
    "survey_link_read",
    "survey_link_token",
    "survey_settings_update",
]
