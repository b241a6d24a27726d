from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "steward.core"
    label = "core"
    verbose_name = "Steward core"

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from steward.core import selectors, sessions, stamps, targets, task_results
        from steward.core.models import ApiToken, Organisation, Team, User

        targets.register(targets.TargetKind("user", User, "username", selectors.user_visible))
        targets.register(targets.TargetKind("team", Team, "slug", selectors.team_visible))
        task_results.register()
        # a worker thread stopping gracefully gives back the mail claims it still holds
        from huey.contrib.djhuey import HUEY

        from steward.core import mail

        HUEY.on_shutdown("release-mail-claims")(mail.release_held)
        # SQLite's WAL is checkpointed by the worker, not in requests (decision 0090)
        from steward.core.db.sqlite3 import upkeep

        HUEY.on_startup("sqlite-checkpointer")(upkeep.start)
        HUEY.on_shutdown("sqlite-checkpointer")(upkeep.stop)
        # what token authentication caches per process (steward/core/services/tokens.py)
        stamps.guard(
            stamps.AUTH,
            User,
            ApiToken,
            Group,
            Organisation,  # cached with the token's user (its slug, its parent)
            m2m=(User.groups.through, User.served_organisations.through),
        )
        # the teams the filter bars offer and who is in which (steward/core/selectors:
        # team_choices, queues.my_team_ids)
        stamps.guard(stamps.TEAMS, Team, m2m=(Team.members.through,))
        sessions.watch()  # a changed or deleted session row moves the sessions stamp
        # PostgreSQL's timestamptz values parsed once per process (decision 0082)
        from django.db.backends.signals import connection_created

        from steward.core.db import pgtimes

        connection_created.connect(pgtimes.register, dispatch_uid="steward.core.db.pgtimes")
        # SQLite's datetime columns parsed once per process (decision 0088)
        from steward.core.db import sqlitetimes

        connection_created.connect(sqlitetimes.register, dispatch_uid="steward.core.db.sqlitetimes")
