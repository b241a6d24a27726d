"""factory-boy factories for core records. Services are the write path in tests that check
behaviour; factories only set up the world around them."""

import factory
from django.contrib.auth.models import Group

from steward.core.choices import Role
from steward.core.models import Organisation, Team, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        roles = extracted if extracted is not None else [Role.REQUESTER]
        if create:
            self.groups.set(Group.objects.filter(name__in=roles))
        self._role_names = set(roles)


def agent(**kwargs) -> User:
    return UserFactory(roles=[Role.AGENT], **kwargs)


def admin(**kwargs) -> User:
    return UserFactory(roles=[Role.ADMIN, Role.AGENT], **kwargs)


def requester(**kwargs) -> User:
    return UserFactory(roles=[Role.REQUESTER], **kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)
