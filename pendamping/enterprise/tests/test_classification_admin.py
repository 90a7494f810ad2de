"""The enterprise admin: the rubric with its levels and indicators (checked as a whole, audited, one in use,
a recomputation queued on save), the settings, and the business rows and scores to look at only."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.audit.models import AuditEntry
from pendamping.enterprise.models import EnterpriseSettings, GroupScore, Rubric
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory, WelfareRecordFactory
from pendamping.enterprise.tests.test_classification_services import make_rubric, scored
from pendamping.registry.tests.factories import kube_with_members

pytestmark = pytest.mark.django_db
READ_ONLY = ("groupscore", "monthlyreport", "periodlock", "planitem", "realisation", "iksentry", "welfarerecord")


@pytest.fixture
def staff_admin(admin: Any, client_for: Callable[..., Client]) -> Client:
    admin.is_staff = True
    admin.save()
    return client_for(admin)


def rubric_form(levels: list[tuple[int, str, int]], indicators: list[tuple[str, str, int]], **fields: Any) -> dict:
    data: dict[str, Any] = {"name": "Rubrik 2026", "is_active": "on", "outstanding_per_regency": 3}
    data |= {"outstanding_min_level": 3, "outstanding_min_months": 12, "window_months": 6} | fields
    for prefix, rows in (("levels", levels), ("indicators", indicators)):
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for i, (position, name, score) in enumerate(levels):
        data |= {f"levels-{i}-position": position, f"levels-{i}-name": name, f"levels-{i}-min_score": score}
    for i, (aspect, rule, weight) in enumerate(indicators):
        row = {"aspect": aspect, "rule": rule, "label": rule, "weight": weight, "position": i}
        data |= {f"indicators-{i}-{key}": value for key, value in row.items()}
    return data


GOOD_LEVELS = [(1, "tumbuh", 0), (2, "berkembang", 40), (3, "maju", 70)]
GOOD_INDICATORS = [("institutional", "board_complete", 1), ("economic", "profit_trend", 2)]


def test_every_enterprise_admin_page_opens(staff_admin: Client) -> None:
    rubric = make_rubric()
    group = kube_with_members(5)
    score = scored(group, 80)
    report = MonthlyReportFactory(group=group)
    IksEntryFactory(group=group, report=report)
    WelfareRecordFactory()
    EnterpriseSettings.current()
    for model in (*READ_ONLY, "rubric", "enterprisesettings"):
        assert staff_admin.get(reverse(f"admin:enterprise_{model}_changelist")).status_code == 200, model
    assert staff_admin.get(reverse("admin:enterprise_rubric_add")).status_code == 200
    assert staff_admin.get(reverse("admin:enterprise_rubric_change", args=[rubric.pk])).status_code == 200
    assert staff_admin.get(reverse("admin:enterprise_enterprisesettings_change", args=[1])).status_code == 200
    page = staff_admin.get(reverse("admin:enterprise_groupscore_change", args=[score.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_scores_and_business_rows_are_not_written_in_the_admin(staff_admin: Client) -> None:
    make_rubric()
    score = scored(kube_with_members(5), 80)
    for model in READ_ONLY:
        assert staff_admin.get(reverse(f"admin:enterprise_{model}_add")).status_code == 403, model
    response = staff_admin.post(reverse("admin:enterprise_groupscore_change", args=[score.pk]), {"score": "100"})
    assert response.status_code == 403
    assert GroupScore.objects.get(pk=score.pk).score == 80


def test_a_new_rubric_takes_over_and_queues_a_recomputation(
    staff_admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    old = make_rubric()
    group = kube_with_members(5)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_admin.post(reverse("admin:enterprise_rubric_add"), rubric_form(GOOD_LEVELS, GOOD_INDICATORS))

    assert response.status_code == 302, response.content.decode()[:2000]
    new = Rubric.objects.get(name="Rubrik 2026")
    old.refresh_from_db()
    assert (new.is_active, old.is_active, old.version) == (True, False, 2)
    assert [lv.name for lv in new.levels.order_by("position")] == ["tumbuh", "berkembang", "maju"]
    score = GroupScore.objects.get(group=group)
    assert score.rubric == new and [d["rule"] for d in score.details] == ["board_complete", "profit_trend"]
    entries = AuditEntry.objects.filter(door="admin")
    assert entries.filter(action="create").count() == 1 + 3 + 2  # the rubric, its levels, its indicators
    assert entries.get(action="update", object_id=str(old.pk)).changes["is_active"] == [True, False]


@pytest.mark.parametrize(
    ("levels", "indicators", "message"),
    [
        ([(1, "a", 10), (2, "b", 50), (3, "c", 70)], GOOD_INDICATORS, "The lowest level must start at score 0."),
        ([(1, "a", 0), (2, "b", 60), (3, "c", 60)], GOOD_INDICATORS, "Each level must start at a higher score"),
        ([(1, "a", 0), (2, "b", 50)], GOOD_INDICATORS, "must be the position of one of the levels"),
        (GOOD_LEVELS, [], "A rubric needs at least one indicator."),
        (
            GOOD_LEVELS,
            [("social", "board_complete", 1), ("social", "board_complete", 2)],
            "Please correct the duplicate data for rule",
        ),
        (GOOD_LEVELS, [("social", "guesswork", 1)], "Select a valid choice"),
        (GOOD_LEVELS, [("social", "board_complete", 0)], "Every indicator needs a weight above 0."),
    ],
)
def test_a_rubric_that_could_not_classify_is_refused(
    staff_admin: Client, levels: list[Any], indicators: list[Any], message: str
) -> None:
    make_rubric()
    before = set(Rubric.objects.values_list("pk", "is_active"))
    response = staff_admin.post(reverse("admin:enterprise_rubric_add"), rubric_form(levels, indicators))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(Rubric.objects.values_list("pk", "is_active")) == before


def test_changing_the_due_day_is_audited(staff_admin: Client, django_capture_on_commit_callbacks: Any) -> None:
    make_rubric()
    group = kube_with_members(5)
    EnterpriseSettings.current()
    data = {"report_due_day": 15, "iks_expected_rate": "10", "iks_stopped_after_months": 3}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_admin.post(reverse("admin:enterprise_enterprisesettings_change", args=[1]), data)
    assert response.status_code == 302
    assert EnterpriseSettings.current().report_due_day == 15
    assert AuditEntry.objects.get(door="admin").changes["report_due_day"] == [10, 15]
    assert GroupScore.objects.filter(group=group).exists()  # the scores were recomputed with the new rule
