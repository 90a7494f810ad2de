"""Instruments: created from the engine's file format (YAML or a mapping) or its dataclasses, checked, frozen
once answered (a change then needs a new version)."""

from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.evaluation.engine.instrument_file import instrument_to_yaml, parse_instrument
from pendamping.evaluation.models import Instrument, Item
from pendamping.evaluation.selectors import instrument_definition
from pendamping.evaluation.services import (
    instrument_create,
    instrument_new_version,
    instrument_update,
    responses_record,
    study_update,
)
from pendamping.evaluation.tests.factories import YES_NO, instrument_data, make_instrument, make_study

pytestmark = pytest.mark.django_db


def _first_item(data: dict[str, Any]) -> dict[str, Any]:
    return data["aspects"][0]["items"][0]


def test_an_instrument_is_stored_with_aspects_items_and_options_in_order(admin: User) -> None:
    instrument = instrument_create(actor=admin, definition=instrument_data())
    assert (instrument.code, instrument.version, instrument.locked_at) == ("TEST", 1, None)
    items = Item.objects.filter(instrument=instrument).order_by("aspect__order", "order")
    assert [i.code for i in items] == ["A1.1", "A1.2", "A2.1"]
    likert = items.get(code="A2.1")
    assert likert.ordered and [o.score for o in likert.options.order_by("order")] == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(object_id=str(instrument.pk), action="create").exists()


def test_the_stored_instrument_round_trips_to_the_engine(admin: User) -> None:
    spec = parse_instrument(instrument_to_yaml(parse_instrument(_yaml())))
    instrument = instrument_create(actor=admin, definition=spec)
    assert instrument_definition(instrument=instrument) == spec


def _yaml() -> str:
    import yaml

    return yaml.safe_dump(instrument_data(), allow_unicode=True, sort_keys=False)


def test_yaml_text_goes_through_the_engines_loader_and_errors_name_the_line(admin: User) -> None:
    assert instrument_create(actor=admin, definition=_yaml()).code == "TEST"
    broken = "code: X\nversion: 1\ntitle: t\naspects:\n  - code: A\n    items:\n      - code: a\n        kind: nope\n"
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=broken)
    assert "line 8" in str(err.value) and "kind must be one of" in str(err.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _first_item(d).update(options=[*YES_NO, {"code": "ragu", "label": "?", "favourable": False}]),
         "exactly two options"),
        (lambda d: _first_item(d).update(kind="rating"), "kind must be one of"),
        (lambda d: d["aspects"][1]["items"][0]["options"][0].pop("score"), "score"),
        (lambda d: d["aspects"][1].update(items=[]), "no items"),
        (lambda d: _first_item(d).update(options=[{**o, "favourable": False} for o in YES_NO]), "favourable"),
    ],
    ids=["binary with three options", "unknown kind", "likert without a score", "empty aspect", "none favourable"],
)  # fmt: skip
def test_a_bad_instrument_is_refused_with_a_readable_message(admin: User, change: Any, message: str) -> None:
    data = instrument_data()
    change(data)
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=data)
    assert message in str(err.value)
    assert not Instrument.objects.exists()


def test_every_option_favourable_is_refused_by_our_own_check(admin: User) -> None:
    data = instrument_data()
    _first_item(data)["options"] = [{**o, "favourable": True} for o in YES_NO]
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=data)
    assert "aspects.0.items.0.options" in err.value.message_dict


def test_a_code_in_use_needs_a_new_version_instead(admin: User) -> None:
    make_instrument()
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=instrument_data())
    assert "make a new version" in err.value.message_dict["code"][0]


def test_only_admins_write_instruments(evaluator: User, surabaya_officer: User, companion_user: User) -> None:
    for user in (evaluator, surabaya_officer, companion_user):
        with pytest.raises(PermissionDenied):
            instrument_create(actor=user, definition=instrument_data())


def test_an_unanswered_instrument_can_change_in_place(admin: User) -> None:
    instrument = make_instrument()
    data = instrument_data(title="Instrumen uji (revisi)")
    _first_item(data)["text"] = "Pertanyaan baru?"
    instrument_update(actor=admin, instrument=instrument, definition=data)
    instrument.refresh_from_db()
    assert instrument.title == "Instrumen uji (revisi)" and instrument.version == 1
    assert Item.objects.get(instrument=instrument, code="A1.1").text == "Pertanyaan baru?"


def test_an_instrument_with_responses_is_locked_and_a_change_needs_a_new_version(admin: User) -> None:
    study = make_study()
    instrument = study.instrument
    respondent = study.respondents.first()
    responses_record(actor=admin, respondent=respondent, wave=study.waves.get(code="pre"), answers={"A1.1": "ya"})
    instrument.refresh_from_db()
    assert instrument.is_locked
    with pytest.raises(ValidationError) as err:
        instrument_update(actor=admin, instrument=instrument, definition=instrument_data(title="Diubah"))
    assert "make a new version" in str(err.value)
    new = instrument_new_version(actor=admin, instrument=instrument, definition=instrument_data(title="Diubah"))
    assert (new.code, new.version, new.title, new.locked_at) == ("TEST", 2, "Diubah", None)
    instrument.refresh_from_db()
    assert instrument.title == "Instrumen uji" and instrument.is_locked  # the old version keeps its meaning
    with pytest.raises(ValidationError) as err:
        study_update(actor=admin, study=study, instrument=new)
    assert "instrument" in err.value.message_dict


def test_a_new_version_without_a_definition_copies_the_questions(admin: User) -> None:
    first = make_instrument()
    second = instrument_new_version(actor=admin, instrument=first)
    third = instrument_new_version(actor=admin, instrument=first)
    assert (second.version, third.version) == (2, 3)
    old, new = instrument_definition(instrument=first), instrument_definition(instrument=third)
    assert new.aspects == old.aspects


def test_a_new_version_keeps_the_code(admin: User) -> None:
    with pytest.raises(ValidationError):
        instrument_new_version(actor=admin, instrument=make_instrument(), definition=instrument_data(code="OTHER"))


def test_texts_and_codes_longer_than_their_columns_are_refused_on_every_database(admin: User) -> None:
    data = instrument_data()
    data["aspects"][0]["code"] = "A" * 41
    _first_item(data)["text"] = "x" * 501
    _first_item(data)["options"][0]["label"] = "y" * 201
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=data)
    assert set(err.value.message_dict) == {
        "aspects.0.code",
        "aspects.0.items.0.text",
        "aspects.0.items.0.options.0.label",
    }


def test_a_score_that_is_not_a_finite_number_is_refused(admin: User) -> None:
    data = instrument_data()
    data["aspects"][1]["items"][0]["options"][0]["score"] = float("nan")
    with pytest.raises(ValidationError, match="score"):
        instrument_create(actor=admin, definition=data)
    spec = parse_instrument(_yaml())
    likert = spec.aspects[1].items[0]
    broken = replace(likert, options=(replace(likert.options[0], score=float("inf")), *likert.options[1:]))
    spec = replace(spec, aspects=(spec.aspects[0], replace(spec.aspects[1], items=(broken,))))
    with pytest.raises(ValidationError) as err:
        instrument_create(actor=admin, definition=spec)
    assert "aspects.1.items.0.options.0.score" in err.value.message_dict
