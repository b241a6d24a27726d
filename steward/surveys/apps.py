from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "steward.surveys"
    label = "surveys"
    verbose_name = "Satisfaction surveys"

    def ready(self) -> None:
        # the outbox consumers: a resolved incident or completed request invites its
        # requester; an answer tells the team lead of a low rating (decision 0109)
        from steward.surveys import notifications  # noqa: F401
        from steward.surveys.views import links
        from steward.web import record_links

        # "Rate" on the record's own page for its requester (decision 0128)
        record_links.register(links.rate_link)
