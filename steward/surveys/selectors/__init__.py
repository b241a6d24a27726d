from steward.surveys.selectors.surveys import (
    survey_answered_q,
    survey_for_update,
    survey_get,
    survey_latest_of,
    survey_list,
    survey_settings,
    survey_visible,
    survey_waiting_about,
    survey_waiting_for,
)

__all__ = [
    "survey_answered_q",
    "survey_for_update",
    "survey_get",
    "survey_latest_of",
    "survey_list",
    "survey_settings",
    "survey_visible",
    "survey_waiting_about",
    "survey_waiting_for",
]
