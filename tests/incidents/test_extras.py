import pytest

from steward.incidents.templatetags.incidents_extras import duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (59, "0m"),
        (61, "1m"),
        (3600, "1h 0m"),
        (3 * 3600 + 1200, "3h 20m"),
        (2 * 86400 + 3 * 3600, "2d 3h"),
        (-2100, "-35m"),
        (None, "—"),
    ],
)
def test_duration(seconds, text):
    assert duration(seconds) == text
