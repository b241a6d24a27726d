"""The software app's validation messages are in the reader's language: a German page
showed them in English."""

import pytest
from django.utils import translation

from steward.core.errors import ValidationFailed
from steward.software.services import installations
from steward.software.services.matching import clean_rules
from steward.software.services.validation import clean_cores, clean_licence, clean_product


def _fields(call, *args):
    with translation.override("de"), pytest.raises(ValidationFailed) as exc:
        call(*args)
    return exc.value.fields


def test_licence_messages_are_german():
    fields = _fields(
        clean_licence,
        {"metric": "seat", "quantity": -1, "cost": "x", "start_date": "", "vendor": "v" * 101},
    )
    assert fields == {
        "metric": ["eines von device, user, core, site"],
        "quantity": ["eine ganze Zahl von 0 bis 10000000"],
        "cost": ["ein Betrag ab 0, mit höchstens zwei Nachkommastellen"],
        "start_date": ["erforderlich, ein Datum als JJJJ-MM-TT"],
        "vendor": ["höchstens 100 Zeichen"],
    }
    ends = _fields(clean_licence, {"start_date": "2026-05-01", "end_date": "2026-04-01"})
    assert ends == {"end_date": ["muss am oder nach dem Startdatum 2026-05-01 liegen"]}


def test_product_and_rule_messages_are_german():
    fields = _fields(clean_product, {"publisher": "", "name": "Office", "match_rules": ["a b!"]})
    assert fields == {
        "publisher": ["erforderlich, höchstens 100 Zeichen"],
        "match_rules": ["Regel 1: nur Buchstaben, Ziffern und . + #, * am Ende eines Worts"],
    }
    with translation.override("de"), pytest.raises(ValueError, match="höchstens 20 Regeln"):
        clean_rules(["x"] * 21)


def test_installation_messages_are_german():
    assert _fields(clean_cores, -1) == {"cores": ["eine ganze Zahl von 0 bis 100000"]}
    assert _fields(installations._validated, [{"name": "", "product": ""}]) == {
        "installations": ["Eintrag 0: ein Name oder ein Produktkürzel (Slug)"]
    }
