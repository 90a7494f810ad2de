"""Builders for evaluation tests: a small instrument (a yes/no, a categorical and a Likert item over two
aspects), a study with companions in both arms, and answers. Built through the services, with the system as
the actor, so every test starts from rows the rules accept."""

import copy
import datetime as dt
from typing import Any

from pendamping.companions.tests.factories import CompanionFactory
from pendamping.evaluation.models import Instrument, Respondent, Study
from pendamping.evaluation.services import (
    instrument_create,
    responses_record,
    study_assign_respondents,
    study_create,
    study_set_status,
)
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

YES_NO = [
    {"code": "ya", "label": "Ya", "favourable": True},
    {"code": "tidak", "label": "Tidak", "favourable": False},
]
LIKERT = [{"code": str(k), "label": f"Skor {k}", "favourable": k >= 4, "score": k} for k in range(1, 6)]
CATEGORIES = [
    {"code": "selalu", "label": "Selalu", "favourable": True},
    {"code": "kadang", "label": "Kadang-kadang", "favourable": False},
    {"code": "tidak_pernah", "label": "Tidak pernah", "favourable": False},
]


def instrument_data(code: str = "TEST", **overrides: Any) -> dict[str, Any]:
    """An instrument mapping in the engine's file format (a fresh copy: tests may change it)."""
    return copy.deepcopy(
        {
            "code": code,
            "version": 1,
            "title": "Instrumen uji",
            "aspects": [
                {
                    "code": "A1",
                    "title": "Rekrutmen",
                    "items": [
                        {"code": "A1.1", "text": "Rekrutmen diumumkan terbuka?", "kind": "binary", "options": YES_NO},
                        {"code": "A1.2", "text": "Seleksi dilakukan?", "kind": "categorical", "options": CATEGORIES},
                    ],
                },
                {
                    "code": "A2",
                    "title": "Pembekalan",
                    "items": [{"code": "A2.1", "text": "Materi bermanfaat", "kind": "likert", "options": LIKERT}],
                },
            ],
            **overrides,
        }
    )


def make_instrument(code: str = "TEST") -> Instrument:
    """The instrument with this code (version 1), created the first time."""
    existing = Instrument.objects.filter(code=code, version=1).first()
    return existing or instrument_create(actor=None, definition=instrument_data(code))


def make_study(
    *,
    treatment: int = 3,
    control: int = 3,
    evaluators: tuple[Any, ...] = (),
    collecting: bool = True,
    instrument: Instrument | None = None,
) -> Study:
    """A study with `treatment` Surabaya and `control` Malang companions (names carry 'Rahasia' so a test can
    look for them in output)."""
    study = study_create(
        actor=None,
        title="Studi uji",
        instrument=instrument or make_instrument(),
        starts_on=dt.date(2025, 1, 1),
        evaluators=evaluators,
    )
    if treatment:
        people = [CompanionFactory(name=f"Rahasia Perlakuan {i}") for i in range(treatment)]
        study_assign_respondents(actor=None, study=study, arm="treatment", companions=people)
    if control:
        people = [
            CompanionFactory(name=f"Rahasia Kontrol {i}", home_desa=village(MALANG_VILLAGE)) for i in range(control)
        ]
        study_assign_respondents(actor=None, study=study, arm="control", companions=people)
    if collecting:
        study_set_status(actor=None, study=study, status="collecting")
    study.refresh_from_db()
    return study


def answer_all(study: Study, *, wave: str, good: bool) -> None:
    """Every respondent answers every item: all favourable (`good`) or all unfavourable."""
    answers = {"A1.1": "ya" if good else "tidak", "A1.2": "selalu" if good else "kadang", "A2.1": "5" if good else "2"}
    for respondent in study.respondents.all():
        responses_record(actor=None, respondent=respondent, wave=study.waves.get(code=wave), answers=answers)


def respondents(study: Study, arm: str) -> list[Respondent]:
    return list(study.respondents.filter(arm__code=arm).order_by("pk"))
