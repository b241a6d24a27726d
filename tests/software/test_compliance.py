"""The compliance position per metric, from hand-built licences and installations."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.software import selectors
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.software.conftest import SYSTEM, TODAY, install, make_licence, make_product

pytestmark = pytest.mark.django_db


def position(product):
    return selectors.compliance_of(SYSTEM, [product.pk], today=TODAY)[product.pk]


def test_per_device_counts_distinct_devices():
    product = make_product()
    make_licence(product, metric="device", quantity=2)
    make_licence(product, metric="device", quantity=1)
    for _ in range(5):
        install(product)

    got = position(product)

    assert [(p.metric, p.entitled, p.consumed) for p in got.positions] == [("device", 3, 5)]
    assert (got.status, got.shortfall, got.surplus) == ("shortfall", 2, 0)


def test_per_user_counts_distinct_users_not_installations():
    product = make_product()
    make_licence(product, metric="user", quantity=3)
    alice, bob = factories.agent(), factories.agent()
    install(product, user=alice)
    install(product, user=alice)  # a second laptop of the same person: still one user
    install(product, user=bob)
    install(product)  # nobody named: counts no user

    got = position(product)

    assert [(p.metric, p.entitled, p.consumed) for p in got.positions] == [("user", 3, 2)]
    assert (got.status, got.surplus, got.users, got.devices) == ("compliant", 1, 2, 4)


def test_per_core_sums_cores():
    product = make_product()
    make_licence(product, metric="core", quantity=16)
    install(product, cores=8)
    install(product, cores=12)

    got = position(product)

    assert [(p.metric, p.entitled, p.consumed) for p in got.positions] == [("core", 16, 20)]
    assert got.shortfall == 4


def test_site_licence_is_always_compliant():
    product = make_product()
    make_licence(product, metric="site", quantity=0)
    for _ in range(3):
        install(product)

    got = position(product)

    assert [(p.metric, p.entitled, p.consumed) for p in got.positions] == [("site", None, 3)]
    assert (got.status, got.shortfall) == ("compliant", 0)


def test_expired_subscription_does_not_count_but_a_perpetual_licence_past_its_end_does():
    product = make_product()
    make_licence(
        product,
        term="subscription",
        quantity=10,
        start_date=TODAY - dt.timedelta(days=400),
        end_date=TODAY - dt.timedelta(days=1),
    )
    make_licence(
        product,
        term="perpetual",
        quantity=1,
        start_date=TODAY - dt.timedelta(days=400),
        end_date=TODAY - dt.timedelta(days=35),  # support ended; use goes on
    )
    install(product)
    install(product)

    got = position(product)

    assert [(p.entitled, p.consumed) for p in got.positions] == [(1, 2)]
    assert got.shortfall == 1


def test_a_running_subscription_counts_until_its_last_day():
    product = make_product()
    make_licence(product, term="subscription", quantity=2, end_date=TODAY)
    install(product)
    assert position(product).status == "compliant"


def test_a_licence_not_yet_started_does_not_count():
    product = make_product()
    make_licence(product, quantity=5, start_date=TODAY + dt.timedelta(days=1))
    install(product)
    assert position(product).shortfall == 1


def test_installations_without_licence_are_short_by_device_and_unused_products_are_unused():
    used, unused = make_product(), make_product()
    install(used)

    got = selectors.compliance_of(SYSTEM, [used.pk, unused.pk], today=TODAY)

    assert (got[used.pk].status, got[used.pk].shortfall) == ("shortfall", 1)
    assert got[unused.pk].status == "unused"


def test_report_lists_shortfalls_first_largest_first():
    fine, short1, short3 = make_product(name="A fine"), make_product(name="B"), make_product()
    make_licence(fine, quantity=5)
    install(short1)
    for _ in range(3):
        install(short3)

    rows = selectors.compliance_report(SYSTEM, today=TODAY)

    order = [r.product.pk for r in rows]
    assert order.index(short3.pk) < order.index(short1.pk) < order.index(fine.pk)


def test_all_products_take_two_queries_whatever_the_installations(django_assert_num_queries):
    product = make_product()
    make_licence(product, quantity=5)
    ci = make_ci("server", name="one-host")
    install(product, ci)
    install(make_product(), ci)
    with django_assert_num_queries(2):
        selectors.compliance_of(SYSTEM, today=TODAY)
