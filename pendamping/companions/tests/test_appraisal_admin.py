"""The appraisal rubric's administration (companions/admin_appraisal.py): the indicators' rules checked together,
weights above 0, and one rubric in use at a time."""

from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import inlineformset_factory
from django.test import RequestFactory

from pendamping.accounts.models import User
from pendamping.companions.admin_appraisal import (
    AppraisalRubricAdmin,
    IndicatorForm,
    IndicatorFormSet,
    RubricForm,
)
from pendamping.companions.models import AppraisalIndicator, AppraisalRubric
from pendamping.companions.services.appraisal import appraisal_start, indicator_problems, rubric_ensure_default
from pendamping.companions.tests.appraisal_factories import Q1
from pendamping.companions.tests.factories import CompanionFactory

pytestmark = pytest.mark.django_db
D = Decimal
Formset = inlineformset_factory(
    AppraisalRubric, AppraisalIndicator, form=IndicatorForm, formset=IndicatorFormSet, extra=0
)


def _data(rows: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for i, (role, rule, label, weight) in enumerate(rows):
        data |= {
            f"indicators-{i}-{k}": v
            for k, v in {"role": role, "rule": rule, "label": label, "weight": weight, "position": str(i)}.items()
        }
    return data


def test_a_sound_set_of_indicators_passes() -> None:
    rows = [("resource", "", "Pengetahuan", "30"), ("data", "visits_per_month", "Kunjungan", "20")]
    assert Formset(_data(rows), instance=AppraisalRubric(name="Baru")).is_valid()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("data", "visits_per_month", "Kunjungan", "20")], "at least one indicator rated by the officer"),
        ([("resource", "visits_per_month", "Pengetahuan", "30")], "have no computed rule"),
        ([("resource", "", "A", "10"), ("data", "", "B", "10")], "needs the rule it is computed by"),
        (
            [
                ("resource", "", "A", "10"),
                ("data", "visits_per_month", "B", "5"),
                ("data", "visits_per_month", "C", "5"),
            ],
            "Each computed rule once",
        ),
    ],
)
def test_indicators_that_do_not_fit_together_are_refused(rows: list[tuple[str, str, str, str]], problem: str) -> None:
    formset = Formset(_data(rows), instance=AppraisalRubric(name="Baru"))
    assert not formset.is_valid()
    assert problem in " ".join(formset.non_form_errors())


def test_a_weight_of_zero_is_refused_in_words() -> None:
    formset = Formset(_data([("resource", "", "A", "0")]), instance=AppraisalRubric(name="Baru"))
    assert not formset.is_valid()
    assert formset.errors[0]["weight"] == ["Every indicator needs a weight above 0."]


def test_an_unknown_rule_is_named() -> None:
    assert indicator_problems([("resource", "", D(1)), ("data", "luck", D(1))]) == ["Unknown computed rules: luck."]


def test_putting_a_rubric_in_use_takes_the_other_out_of_use(admin: User) -> None:
    old = rubric_ensure_default()
    form = RubricForm({"name": "Penilaian 2026", "is_active": "on", "threshold": "75", "visits_per_month": "2"})
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/admin/")
    request.user = admin
    model_admin = AppraisalRubricAdmin(AppraisalRubric, admin_site=None)  # type: ignore[arg-type]
    model_admin.save_model(request, form.save(commit=False), form, change=False)
    old.refresh_from_db()
    assert not old.is_active and AppraisalRubric.objects.get(is_active=True).name == "Penilaian 2026"
    # Appraisals keep the rubric they were started under; new ones take the one in use.
    assert appraisal_start(actor=admin, companion=CompanionFactory(), period=Q1).rubric.name == "Penilaian 2026"


def test_a_visit_target_of_zero_is_refused() -> None:
    form = RubricForm({"name": "X", "threshold": "70", "visits_per_month": "0"})
    assert not form.is_valid() and form.errors["visits_per_month"] == ["The visit target must be above 0."]
