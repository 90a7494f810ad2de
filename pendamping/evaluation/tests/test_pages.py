"""The evaluation pages: scoped to the studies a user is named on (404 otherwise), pseudonyms only for
evaluators, the analysis queued and its result shown as both tables, answers entered and imported safely,
and the power calculator agreeing with R."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.evaluation.models import Analysis, GapAssessment, Instrument, Response, Study
from pendamping.evaluation.services import analysis_request
from pendamping.evaluation.tests.factories import answer_all, make_study, respondents

pytestmark = pytest.mark.django_db
NIK = re.compile(r"(?<!\d)\d{16}(?<!\d)")


def client(user: User) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def analysed(study: Study) -> Analysis:
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    return analysis_request(actor=None, study=study, run_now=True)


def page_urls(study: Study, analysis: Analysis) -> list[str]:
    return [
        reverse("evaluation:study_list"),
        reverse("evaluation:study_detail", args=[study.pk]),
        reverse("evaluation:analysis_detail", args=[analysis.pk]),
        reverse("evaluation:analysis_file", args=[analysis.pk]) + "?file=design_table.csv",
        reverse("evaluation:power"),
    ]


def test_pages_render_for_the_admin_and_a_named_evaluator_without_names_for_the_evaluator(
    admin: User, evaluator: User
) -> None:
    study = make_study(evaluators=(evaluator,))
    analysis = analysed(study)
    for url in page_urls(study, analysis):
        assert client(admin).get(url).status_code == 200, url
        response = client(evaluator).get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Rahasia" not in body and not NIK.search(body), url
    assert "Rahasia Perlakuan 0" in client(admin).get(page_urls(study, analysis)[1]).content.decode()
    assert (
        respondents(study, "treatment")[0].pseudonym
        in client(evaluator).get(page_urls(study, analysis)[1]).content.decode()
    )


def test_an_evaluator_not_named_on_the_study_gets_404(admin: User, evaluator: User) -> None:
    study = make_study()
    analysis = analysed(study)
    for url in page_urls(study, analysis)[1:4]:
        assert client(evaluator).get(url).status_code == 404, url
    assert "Studi uji" not in client(evaluator).get(reverse("evaluation:study_list")).content.decode()
    assert client(evaluator).post(reverse("evaluation:analysis_run", args=[study.pk])).status_code == 404


def test_running_the_analysis_enqueues_it_and_the_result_shows_both_tables(evaluator: User) -> None:
    study = make_study(evaluators=(evaluator,))
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    response = client(evaluator).post(reverse("evaluation:analysis_run", args=[study.pk]))
    analysis = Analysis.objects.get(study=study)
    assert response.status_code == 302 and response["Location"].endswith(f"/analyses/{analysis.pk}/")
    assert analysis.task_result_id and analysis.status == Analysis.Status.DONE  # the immediate task backend
    body = client(evaluator).get(response["Location"]).content.decode()
    assert "Design-correct table" in body and "Original-style table" in body
    assert (
        "χ² hitung" in body
        and "Holm-adjusted p" in body
        and "<svg" in body
        and "<script" not in body.split("</head>")[1]
    )
    for name in ("results.json", "original_table.xlsx", "report.html"):
        assert (
            client(evaluator).get(reverse("evaluation:analysis_file", args=[analysis.pk]), {"file": name}).status_code
            == 200
        )


def test_the_status_partial_polls_while_running_and_reloads_when_done(evaluator: User) -> None:
    study = make_study(evaluators=(evaluator,))
    queued = Analysis.objects.create(study=study)
    url = reverse("evaluation:analysis_detail", args=[queued.pk]) + "?poll=1"
    running = client(evaluator).get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in running.content.decode() and "HX-Refresh" not in running
    Analysis.objects.filter(pk=queued.pk).update(status=Analysis.Status.DONE)
    assert client(evaluator).get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def _form_url(study: Study, respondent_pk: int, wave: str = "pre") -> str:
    return reverse("evaluation:response_form", args=[study.pk, respondent_pk, study.waves.get(code=wave).pk])


def test_the_response_form_refuses_an_option_outside_the_item(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    item = study.instrument.items.get(code="A1.1")
    url = _form_url(study, respondent.pk)
    assert client(admin).get(url).status_code == 200
    response = client(admin).post(url, {f"item_{item.pk}": "mungkin"})
    assert response.status_code == 200 and not Response.objects.exists()
    assert client(admin).post(url, {f"item_{item.pk}": "ya"}).status_code == 302
    assert Response.objects.get().option.code == "ya"


def test_a_companion_answers_only_as_themselves(companion_user: User) -> None:
    study = make_study()
    mine = CompanionFactory(user=companion_user)
    from pendamping.evaluation.services import study_assign_respondents

    study_assign_respondents(actor=None, study=study, arm="treatment", companions=[mine])
    own = study.respondents.get(companion=mine)
    other = respondents(study, "treatment")[0]
    assert client(companion_user).get(_form_url(study, own.pk)).status_code == 200
    assert client(companion_user).get(_form_url(study, other.pk)).status_code == 404
    assert client(companion_user).post(_form_url(study, other.pk), {}).status_code == 404


def test_a_csv_import_with_a_bad_row_names_the_row_and_writes_nothing(admin: User) -> None:
    study = make_study()
    a, b = respondents(study, "treatment")[:2]
    text = "respondent,arm,wave,item,answer\n"
    text += f"{a.pseudonym},treatment,pre,A1.1,ya\n{b.pseudonym},treatment,pre,A1.1,mungkin\n"
    url = reverse("evaluation:response_import", args=[study.pk])
    body = client(admin).post(url, {"content": text, "confirm": "1"}).content.decode()
    assert "mungkin" in body and '<td class="num">3</td>' in body
    assert not Response.objects.exists()
    good = text.rsplit("\n", 2)[0] + "\n"
    preview = client(admin).post(url, {"content": good}).content.decode()
    assert "no problems" in preview and not Response.objects.exists()
    assert client(admin).post(url, {"content": good, "confirm": "1"}).status_code == 302
    assert Response.objects.count() == 1


def test_the_power_page_agrees_with_r_power_t_test(evaluator: User) -> None:
    params = {"design": "two_sample_t", "n": 20, "delta": 1, "sd": 1, "alpha": 0.05, "power": 0.8}
    body = client(evaluator).get(reverse("evaluation:power"), params).content.decode()
    assert "0.869" in body  # power.t.test(n = 20, delta = 1) -> 0.8689528


def test_a_role_that_may_never_see_evaluations_gets_403(norole: User) -> None:
    assert client(norole).get(reverse("evaluation:study_list")).status_code == 403
    assert client(norole).get(reverse("evaluation:power")).status_code == 403


def test_instrument_pages_show_the_options_and_create_from_yaml_and_new_versions(admin: User, evaluator: User) -> None:
    study = make_study(evaluators=(evaluator,))
    instrument = study.instrument
    detail = reverse("evaluation:instrument_detail", args=[instrument.pk])
    for user in (admin, evaluator):
        assert client(user).get(reverse("evaluation:instrument_list")).status_code == 200
        body = client(user).get(detail).content.decode()
        assert "Rekrutmen diumumkan terbuka?" in body and "favourable" in body
    yaml_text = "code: BARU\nversion: 1\ntitle: Instrumen baru\naspects:\n  - code: A\n    title: Aspek\n    items:\n"
    yaml_text += "      - {code: A.1, text: Tanya, kind: binary, options: [{code: ya, label: Ya, favourable: true},"
    yaml_text += " {code: tidak, label: Tidak, favourable: false}]}\n"
    created = client(admin).post(reverse("evaluation:instrument_create"), {"text": yaml_text})
    assert created.status_code == 302 and Instrument.objects.filter(code="BARU").exists()
    bad = client(admin).post(reverse("evaluation:instrument_create"), {"text": "code: [\n"})
    assert bad.status_code == 200 and "form-errors" in bad.content.decode()
    answer_all(study, wave="pre", good=True)
    new = client(admin).post(reverse("evaluation:instrument_new_version", args=[instrument.pk]), {})
    assert new.status_code == 302 and Instrument.objects.filter(code=instrument.code, version=2).exists()
    assert client(evaluator).get(reverse("evaluation:instrument_create")).status_code == 403


def test_study_create_assign_and_balance(admin: User, evaluator: User) -> None:
    instrument = make_study().instrument
    form = {"title": "Studi baru", "instrument": instrument.pk, "alpha": "0.05", "family": "all"}
    response = client(admin).post(reverse("evaluation:study_create"), form)
    study = Study.objects.get(title="Studi baru")
    assert response.status_code == 302 and response["Location"].endswith(f"/studies/{study.pk}/respondents/")
    people = [CompanionFactory(name=f"Calon {i}") for i in range(6)]
    url = reverse("evaluation:study_assign", args=[study.pk])
    data = {"companions": [c.pk for c in people], "mode": "randomise", "seed": "7"}
    assert client(admin).post(url, data).status_code == 302
    assert study.respondents.count() == 6 and set(study.respondents.values_list("arm__code", flat=True)) == {
        "treatment",
        "control",
    }
    assert "SMD" in client(admin).get(url).content.decode()
    assert client(evaluator).get(url).status_code == 404  # not named on it
    assert client(evaluator).get(reverse("evaluation:study_create")).status_code == 403


def test_the_gap_page_ranks_components_and_the_admin_rates_them(admin: User, evaluator: User) -> None:
    response = client(admin).post(
        reverse("evaluation:gap_create"), {"title": "Kajian model", "assessed_on": "2025-03-01"}
    )
    assessment = GapAssessment.objects.get()
    assert response.status_code == 302
    rating = {"assessment": assessment.pk, "component": "recruitment", "applied": "2", "expected": "4", "standard": "5"}
    assert client(admin).post(reverse("evaluation:gap_rate"), rating).status_code == 302
    body = client(evaluator).get(reverse("evaluation:gap"), {"assessment": assessment.pk}).content.decode()
    assert "Kajian model" in body and "recruitment of candidate companions" in body and "high" in body
    assert client(evaluator).post(reverse("evaluation:gap_rate"), rating).status_code == 403


def test_the_result_page_states_the_power_the_study_had() -> None:
    from pathlib import Path

    from pendamping.evaluation.engine.analysis import analyse
    from pendamping.evaluation.engine.instrument_file import load_instrument
    from pendamping.evaluation.engine.io import parse_responses
    from pendamping.evaluation.engine.model import AnalysisOptions
    from pendamping.evaluation.selectors.pages import study_power
    from pendamping.stats import did_power

    docs = Path(__file__).resolve().parents[3] / "docs" / "evaluation"
    instrument = load_instrument(docs / "example_instrument.yaml")
    parsed = parse_responses((docs / "example_responses.csv").read_text(), name="example_responses.csv")
    result = analyse(instrument, parsed.answers, AnalysisOptions(lang="en"))
    rows = study_power(result)
    assert [row["n"] for row in rows] == [20, 20, 20, 20]
    for row in rows:
        low, high = (float(p) for p in row["powers"])
        assert 0 <= low < high <= 100  # a larger true change is easier to detect
    # The first aspect, by hand: the pooled SD of both arms' change scores and the DiD power at 20 points.
    groups = [g for g in result.charts["change"] if g["aspect"] == "A1"]
    squares = sum(sum(c * (v - g["mean"]) ** 2 for v, c in zip(g["values"], g["counts"], strict=True)) for g in groups)
    sd = (squares / (sum(g["n"] for g in groups) - 2)) ** 0.5
    assert float(rows[0]["powers"][1]) == round(100 * did_power(n=20, delta=20, sd_change=sd, alpha=0.05))
