"""SQLite: prefixes expanded into the index's words (decision 0016) find exactly what the
prefix query finds, newest first and ranked, for any texts and any prefix."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.incidents.selectors import search
from steward.incidents.services import search_index

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the term table is SQLite's"),
]

VOCABULARY = ["error", "errors", "erroneous", "err", "vpn", "vpns", "café", "Ärger", "e", "x9"]
word = st.sampled_from(VOCABULARY) | st.text(alphabet="abcdeé", min_size=1, max_size=5)
text = st.lists(word, min_size=1, max_size=6).map(" ".join)


def _prefix_matches(words, *, include_internal, newest):
    phrase = " ".join(f'"{w}"*' for w in words)
    match = phrase if include_internal else f"public : ({phrase})"
    order = "rowid DESC" if newest else f"bm25({search.TABLE}), rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {search.TABLE} WHERE {search.TABLE} MATCH %s ORDER BY {order}",  # noqa: S608
            [match],
        )
        return [i for (i,) in cursor.fetchall()]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    docs=st.lists(st.tuples(text, text), min_size=1, max_size=12),
    query=st.lists(
        st.sampled_from(["e", "er", "err", "erro", "vpn", "caf", "arg", "x", "c"]),
        min_size=1,
        max_size=2,
    ),
    internal=st.booleans(),
    limit=st.integers(1, 20),
)
def test_expanded_prefixes_find_what_the_prefix_query_finds(docs, query, internal, limit):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search.TABLE}")  # noqa: S608
    search_index._write([(n, public, private) for n, (public, private) in enumerate(docs, 1)])

    got = [
        i for _, i in search.best_matches(" ".join(query), include_internal=internal, limit=limit)
    ]

    newest = _prefix_matches(query, include_internal=internal, newest=True)
    if len(newest) > limit:
        assert got == newest[:limit]
    else:
        assert got == _prefix_matches(query, include_internal=internal, newest=False)[:limit]


def test_the_term_table_holds_every_word_written_also_without_accents():
    search_index._write([(1, "INC0000001 Café Ärger", "Kühlschrank_leer")])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {search.TERMS}")  # noqa: S608
        terms = {t for (t,) in cursor.fetchall()}
    assert {"inc0000001", "café", "cafe", "ärger", "arger", "kühlschrank", "kuhlschrank"} <= terms
    assert {"leer"} <= terms


def test_a_prefix_of_many_words_is_matched_as_a_prefix():
    words = [f"tag{n:03d}" for n in range(search.MAX_EXPANSION + 5)]
    search_index._write([(n, w, "") for n, w in enumerate(words, 1)])
    with connection.cursor() as cursor:
        phrase, whole = search._expanded(cursor, "tag")
        assert (phrase, whole) == ('"tag"*', True)
        phrase, whole = search._expanded(cursor, "tag00")
        assert phrase == "(" + " OR ".join(f'"tag00{n}"' for n in range(10)) + ")"
        assert whole is False
    assert len(search.best_matches("tag", include_internal=True)) == len(words)
