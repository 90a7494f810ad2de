"""The demo's recruitment: one call of 2026, finished and decided, run through the recruitment services.

The call recruits in four demo regencies with the default criteria. Applicants come through the public form
and through the officer; the data score them, the panel scores the interview and the written test, and the
admin decides each application in rank order: accepted within the quota when the score reaches the pass mark,
the next few on the waiting list, the others rejected, each with its reason. Accepting makes the applicant a
companion candidate (application_decide does that).

The services take applications only while a call is open on the real day, so the call opens with its closing
day on the demo's "today" (or the real one, if later), takes the applications, goes to screening, and then gets
its real closing day (13 February 2026), which re-scores the age band as the rules say. The timestamps the
database stamped with the real clock are then set to the days of the story."""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pendamping.companions.models import Application, Call, Companion, Criterion
from pendamping.companions.services.recruitment import (
    application_decide,
    application_enter,
    application_score_set,
    application_submit_public,
    call_create,
    call_set_status,
    call_update,
)
from pendamping.demo import people
from pendamping.demo.build import pick
from pendamping.demo.facts import DEMO_TODAY, at
from pendamping.demo.model_common import (
    APPLICANT_SERIAL,
    CALL_CLOSES,
    CALL_CREATED,
    CALL_OPENS,
    DECIDED_ON,
    Actors,
    backdate,
    free_nik,
    office_time,
)
from pendamping.demo.model_vocab import EXPERIENCES, MOTIVATIONS
from pendamping.demo.plan import DEMO_REGENCIES
from pendamping.regions.models import Region

CALL_TITLE = "Rekrutmen Pendamping Sosial KUBE 2026"
CALL_DESCRIPTION = (
    "Dinas Sosial Provinsi Jawa Timur membuka kesempatan menjadi Pendamping Sosial KUBE. Calon yang diterima "
    "mengikuti pembekalan dan praktek magang di KUBE berprestasi sebelum bertugas."
)
# regency -> (quota, applicants); the neighbour is where a few applicants live (residence "same province").
QUOTAS = {"35.78": (3, 11), "35.07": (3, 10), "35.09": (2, 8), "35.26": (2, 7)}
NEIGHBOURS = {"35.78": "35.15", "35.07": "35.73", "35.09": "35.11", "35.26": "35.27"}
PASS_MARK = Decimal(70)
WAITING_PLACES = 3  # per regency; further passing applicants are not kept
EDUCATION = {"smp": 5, "sma": 45, "diploma": 15, "s1": 30, "s2": 5}
EDUCATION_EDGE = {"sd": -10, "smp": -8, "sma": 0, "diploma": 3, "s1": 6, "s2": 8}
PUBLIC_SHARE = 0.7
MADURESE = {code: share for code, _w, share in DEMO_REGENCIES}


@dataclass
class Recruited:
    call: Call
    applications: int = 0
    decided: dict[str, int] = field(default_factory=dict)  # status -> count


def _villages(regency: str) -> list[str]:
    qs = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=f"{regency}.").order_by("code")
    return list(qs.values_list("code", flat=True))


def _applicant(rng: random.Random, regency: str, homes: list[str], serial: int) -> dict[str, Any]:
    """One applicant's form, as a person would fill it in."""
    sex = "F" if rng.random() < 0.45 else "M"
    born = people.birth_date(rng, CALL_CLOSES, 21, 49)
    desa = rng.choice(homes)
    name = people.person_name(rng, sex, rng.random() < MADURESE.get(regency, 0.1))
    years = rng.choices(range(9), weights=(14, 10, 14, 16, 14, 10, 8, 7, 7))[0]
    form = {
        "regency_code": regency, "nik": free_nik(desa.replace(".", "")[:6], sex, born, serial), "name": name,
        "phone": people.phone(rng), "education": pick(rng, EDUCATION), "home_desa_code": desa,
        "experience_years": years, "experience": rng.choice(EXPERIENCES) if years else "",
        "motivation": rng.choice(MOTIVATIONS),
    }  # fmt: skip
    if rng.random() < 0.4:
        form["email"] = f"{name.split()[0].lower().strip('.')}{serial % 1000:03d}@example.com"
    return form


def _submit(rng: random.Random, call: Call, form: dict[str, Any], actors: Actors) -> Application:
    if rng.random() < PUBLIC_SHARE:
        return application_submit_public(call=call, email=form.pop("email", ""), **form)
    return application_enter(actor=actors.for_regency(form["regency_code"]), call=call, **form)


def _apply(rng: random.Random, call: Call, actors: Actors) -> dict[int, float]:
    """Every applicant's application, in the order they came; returns each one's aptitude (what the panel sees)."""
    forms: list[dict[str, Any]] = []
    for regency, (_quota, count) in QUOTAS.items():
        own, near = _villages(regency), _villages(NEIGHBOURS[regency]) or _villages(regency)
        for _ in range(count):
            homes = near if rng.random() < 0.15 else own
            forms.append(_applicant(rng, regency, homes, APPLICANT_SERIAL + len(forms)))
    rng.shuffle(forms)  # applications from the four regencies arrive mixed
    aptitude = {}
    for form in forms:
        edge = EDUCATION_EDGE[form["education"]]
        application = _submit(rng, call, form, actors)
        aptitude[application.pk] = min(98.0, rng.uniform(35, 92) + edge)
    return aptitude


def _panel(rng: random.Random, call: Call, actors: Actors, aptitude: dict[int, float]) -> None:
    """The panel's interview and written test, close to each applicant's aptitude."""
    panel = list(call.criteria.filter(kind__in=[Criterion.Kind.INTERVIEW, Criterion.Kind.WRITTEN]).order_by("pk"))
    for application in call.applications.order_by("pk"):
        for criterion in panel:
            spread = 7 if criterion.kind == Criterion.Kind.INTERVIEW else 9
            value = max(0, min(100, round(rng.gauss(aptitude[application.pk], spread))))
            actor = actors.for_regency(application.regency_id)
            application_score_set(actor=actor, application=application, criterion=criterion, value=value)


def _decimal(value: Decimal | None) -> str:
    return f"{value or 0:.2f}".replace(".", ",")


def _reason(application: Application, status: str, total: int, quota: int, place: int) -> str:
    score, regency = _decimal(application.score), application.regency.name
    if status == Application.Status.ACCEPTED:
        return (
            f"Peringkat {application.rank} dari {total} pelamar di {regency}; nilai {score} memenuhi batas lulus "
            f"{PASS_MARK} dan masuk kuota {quota}."
        )
    if status == Application.Status.WAITING:
        return (
            f"Nilai {score} memenuhi batas lulus, tetapi kuota {regency} ({quota}) sudah terisi; daftar tunggu "
            f"ke-{place}."
        )
    if (application.score or 0) >= PASS_MARK:
        return f"Nilai {score} memenuhi batas lulus, tetapi peringkatnya di luar kuota dan daftar tunggu."
    return f"Nilai akhir {score} di bawah batas lulus {PASS_MARK}."


def _decide(call: Call, actors: Actors) -> dict[str, int]:
    """Each regency's applications in rank order: accepted within the quota, then the waiting list."""
    counts: dict[str, int] = {}
    rows = call.applications.select_related("regency").order_by("regency_id", "rank", "created_at", "pk")
    by_regency: dict[str, list[Application]] = {}
    for application in rows:
        by_regency.setdefault(application.regency_id, []).append(application)
    for regency, applications in by_regency.items():
        quota, accepted, waiting = QUOTAS[regency][0], 0, 0
        for application in applications:
            passed = (application.score or 0) >= PASS_MARK
            status = Application.Status.REJECTED
            if passed and accepted < quota:
                status, accepted = Application.Status.ACCEPTED, accepted + 1
            elif passed and waiting < WAITING_PLACES:
                status, waiting = Application.Status.WAITING, waiting + 1
            reason = _reason(application, status, len(applications), quota, waiting)
            application_decide(actor=actors.admin, application=application, decision=status, reason=reason)
            counts[status] = counts.get(status, 0) + 1
    return counts


def _backdate(rng: random.Random, call: Call) -> None:
    """The story's days: applications over the weeks the call was open (in the order they came), decisions on
    the day the admin decided, and the accepted applicants' companion records from that day."""
    ids = list(call.applications.order_by("created_at", "pk").values_list("pk", flat=True))
    days = sorted(people.date_between(rng, CALL_OPENS, CALL_CLOSES) for _ in ids)
    backdate(Application, ((pk, office_time(day, rng, 7, 21)) for pk, day in zip(ids, days, strict=True)))
    decided = [(pk, at(DECIDED_ON, 14, i % 60)) for i, pk in enumerate(ids)]
    backdate(Application, decided, field="decided_at")
    companions = call.applications.filter(companion__isnull=False).values_list("companion_id", flat=True)
    backdate(Companion, ((pk, at(DECIDED_ON, 15)) for pk in companions))
    backdate(Call, [(call.pk, at(CALL_CREATED, 9))])


def recruitment_seed(*, rng: random.Random, actors: Actors, today: dt.date) -> Recruited:
    """The finished call of 2026 with its applications, scores, ranks and decisions. `today` is the real day:
    the call must be open on it to take applications."""
    admin = actors.admin
    quotas = {code: quota for code, (quota, _n) in QUOTAS.items()}
    closes = max(CALL_CLOSES, DEMO_TODAY, today)
    call = call_create(
        actor=admin, title=CALL_TITLE, description=CALL_DESCRIPTION, opens_on=CALL_OPENS, closes_on=closes,
        quotas=quotas,
    )  # fmt: skip
    call = call_set_status(actor=admin, call=call, status=Call.Status.OPEN)
    aptitude = _apply(rng, call, actors)
    call = call_set_status(actor=admin, call=call, status=Call.Status.SCREENING)
    call = call_update(actor=admin, call=call, closes_on=CALL_CLOSES)
    _panel(rng, call, actors, aptitude)
    decided = _decide(call, actors)
    call = call_set_status(actor=admin, call=call, status=Call.Status.DECIDED)
    _backdate(rng, call)
    return Recruited(call=call, applications=len(aptitude), decided=decided)
