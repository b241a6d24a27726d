"""Knowledge writes: transactional, permission-checked, audited, announced."""

from steward.knowledge.services.feedback import article_viewed, article_vote, views_roll_up
from steward.knowledge.services.journeys import journey_start, record_raised
from steward.knowledge.services.records import article_create, article_update
from steward.knowledge.services.reviews import reviews_remind

__all__ = [
    "article_create",
    "article_update",
    "article_viewed",
    "article_vote",
    "journey_start",
    "record_raised",
    "reviews_remind",
    "views_roll_up",
]
