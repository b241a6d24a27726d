"""``reverse`` kept per process for the addresses every page shows (decision 0071).

The navigation, the account links and a picker's suggestion address are the same on every
page, and ``reverse`` walks the URL patterns each time (some 15 µs a call, a dozen calls a
page). The answer depends only on the URL patterns in force, the script prefix and the
name with its arguments, so it is kept under exactly those: another ``ROOT_URLCONF`` (tests
override it) is another resolver object and so another key; nothing needs invalidating.
Addresses with a record's key (an incident's number) are not worth keeping: the incident
page reverses each of its own once (``{% url … as … %}`` in ``incidents/detail.html``).
"""

from __future__ import annotations

import functools

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# False: every call reverses (the addresses as before decision 0071); tests render the
# page both ways and compare (decision 0072)
KEEP = True


@functools.lru_cache(maxsize=512)
def _kept(resolver: object, prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args or None)


def link(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, kept per URL patterns and script prefix."""
    if not KEEP:
        return reverse(name, args=args or None)
    return _kept(get_resolver(get_urlconf()), get_script_prefix(), name, args)
