"""The demo's evaluation: a finished study of 20 treatment and 20 control companions shaped like the
original (the treatment arm improves on the four aspects, the control arm does not), and a model gap
assessment with a rating for every component of the companion model.

How it is made, so anyone can reproduce it:

- the instrument is docs/evaluation/example_instrument.yaml (the one the README's CLI example uses);
- 40 companions of the demo registry, an even number per regency (lowest ids first, regencies taken in
  turn); when the registry has fewer (a small demo), further demo companions without KUBE are added in the
  demo regencies, their names and NIKs drawn from random.Random(2019);
- arms by stratified randomisation in permuted blocks within each regency, seed 2019
  (pendamping.stats.design.randomise), so each arm has 20;
- answers from the engine's simulate_study(instrument, n_per_arm=20, seed=2019, effect=2.0): each
  respondent's latent trait rises by 1.5 at the post-test in the treatment arm and not at all in the control
  arm; the simulated T01…T20 go to the treatment companions and K01…K20 to the control ones, in id order;
- the analysis runs at once, with the function the analysis task runs.

Pseudonyms differ between installations (each study has its own secret key); the statistics do not.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.models import Role, User
from pendamping.companions.models import Companion
from pendamping.demo import people
from pendamping.demo.plan import DEMO_REGENCIES
from pendamping.evaluation.engine.model import Answer
from pendamping.evaluation.engine.simulate import simulate_study
from pendamping.evaluation.models import GapAssessment, GapComponent, Instrument, Study
from pendamping.evaluation.selectors import instrument_definition
from pendamping.evaluation.services import (
    WaveSpec,
    analysis_request,
    gap_assessment_create,
    gap_rating_set,
    instrument_create,
    responses_import,
    study_create,
    study_design_randomise,
    study_evaluator_add,
    study_set_status,
)
from pendamping.regions.models import Region

SEED = 2019
N_PER_ARM = 20
EFFECT = (
    2.0  # the same as docs/evaluation/example_responses.csv, so `pendamping evaluate` on it reproduces the demo report
)
INSTRUMENT_FILE = Path(settings.BASE_DIR) / "docs" / "evaluation" / "example_instrument.yaml"
STUDY_TITLE = "Evaluasi model pendampingan KUBE, kohort 2019 (demo)"
GAP_TITLE = "Analisis kesenjangan model pendampingan KUBE 2019 (demo)"
EXTRA_SERIAL = 9000  # extra companions take serials from here up; the seed counts serials up from 0001

# (component, applied, expected, standard, note): the phase of model building before the quasi-experiment.
GAP_RATINGS = (
    (GapComponent.RECRUITMENT, 2, 4, 5, "Rekrutmen belum diumumkan terbuka; kriteria tertulis belum dipakai."),
    (GapComponent.BRIEFING_PARTICIPANTS, 3, 4, 4, "Sebagian peserta belum memenuhi syarat pendidikan."),
    (GapComponent.BRIEFING_MATERIALS, 2, 4, 5, "Materi UEP, pembukuan dan kemitraan belum ada."),
    (GapComponent.BRIEFING_METHODS, 2, 4, 4, "Ceramah satu arah, tanpa praktik lapangan."),
    (GapComponent.BRIEFING_BUDGET, 3, 4, 4, "Anggaran hanya cukup untuk dua hari."),
    (GapComponent.BRIEFING_TIME, 2, 4, 4, "Dua hari; pedoman menetapkan lima hari."),
    (GapComponent.BRIEFING_INSTRUCTORS, 3, 4, 5, "Narasumber dari dinas saja, belum ada praktisi usaha."),
    (GapComponent.BRIEFING_FACILITIES, 3, 3, 4, "Ruang memadai; modul cetak kurang."),
    (GapComponent.INTERNSHIP, 1, 4, 5, "Belum ada praktek magang di KUBE berprestasi."),
    (GapComponent.PARTNERSHIP, 2, 3, 4, "Kemitraan usaha baru sebatas bank penyalur."),
    (GapComponent.COMPANIONSHIP, 2, 4, 5, "Kunjungan pendamping tidak rutin; pembukuan KUBE jarang diperiksa."),
)


@dataclass(frozen=True)
class DemoEvaluation:
    study: Study | None
    created: bool
    message: str


def _extra_companion(rng: random.Random, regency: str, n: int) -> Companion:
    """A demo companion without KUBE in `regency`, its NIK from a serial far above the seed's."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=f"{regency}.").order_by("code")
    desa = villages[(n * 7) % villages.count()]
    prefix, sex = desa.code.replace(".", "")[:6], "F" if rng.random() < 0.45 else "M"
    born = people.birth_date(rng, dt.date(2019, 1, 1), 23, 55)
    serial = EXTRA_SERIAL + n
    while Companion.objects.filter(nik=people.nik_for(prefix, sex, born, serial)).exists():
        serial += 1
    return Companion.objects.create(
        nik=people.nik_for(prefix, sex, born, serial), name=people.person_name(rng, sex, rng.random() < 0.3),
        sex=sex, birth_date=born, education=rng.choice(("sma", "sma", "diploma", "s1", "s1")),
        phone=people.phone(rng), home_desa=desa, regency_id=regency, status=Companion.Status.ACTIVE,
    )  # fmt: skip


def _companions(total: int) -> list[Companion]:
    """`total` companions, an even number in each regency (so randomisation splits every stratum in half)."""
    by_regency: dict[str, list[Companion]] = defaultdict(list)
    for companion in Companion.objects.order_by("regency_id", "id"):
        by_regency[companion.regency_id].append(companion)
    chosen: list[Companion] = []
    while len(chosen) < total and any(len(v) >= 2 for v in by_regency.values()):
        for code in sorted(by_regency):
            if len(by_regency[code]) >= 2 and len(chosen) < total:
                chosen += [by_regency[code].pop(0), by_regency[code].pop(0)]
    rng, n = random.Random(SEED), 0  # nosec B311  # demo data, reproducible on purpose
    while len(chosen) < total:
        regency = DEMO_REGENCIES[(n // 2) % len(DEMO_REGENCIES)][0]
        chosen += [_extra_companion(rng, regency, n), _extra_companion(rng, regency, n + 1)]
        n += 2
    return chosen


def _answers(study: Study, instrument: Instrument) -> list[Answer]:
    """The simulated answers, T01… on the treatment companions and K01… on the control ones (id order)."""
    simulated = simulate_study(instrument_definition(instrument=instrument), N_PER_ARM, SEED, EFFECT)
    names: dict[str, str] = {}
    for arm, letter in (("treatment", "T"), ("control", "K")):
        rows = study.respondents.filter(arm__code=arm).order_by("companion_id")
        names |= {f"{letter}{i:02d}": r.pseudonym for i, r in enumerate(rows, start=1)}
    return [Answer(names[a.respondent], a.arm, a.wave, a.item, a.answer) for a in simulated]


def _instrument() -> Instrument:
    text = INSTRUMENT_FILE.read_text(encoding="utf-8")
    existing = Instrument.objects.filter(code="PKUBE", version=1).first()
    return existing or instrument_create(actor=None, definition=text, language="id")


@transaction.atomic
def _study(evaluator: User | None) -> Study:
    instrument = _instrument()
    waves = [WaveSpec("pre", "Pre-test", dt.date(2019, 3, 4)), WaveSpec("post", "Post-test", dt.date(2019, 11, 25))]
    study = study_create(
        actor=None, title=STUDY_TITLE, instrument=instrument, waves=waves, starts_on=dt.date(2019, 3, 1),
        ends_on=dt.date(2019, 11, 30),
        description="Studi kuasi-eksperimen demo: 20 pendamping kelompok perlakuan dan 20 kelompok kontrol.",
    )  # fmt: skip
    study_design_randomise(actor=None, study=study, companions=_companions(2 * N_PER_ARM), seed=SEED)
    if evaluator is not None:
        study_evaluator_add(actor=None, study=study, user=evaluator)
    study_set_status(actor=None, study=study, status=Study.Status.COLLECTING)
    responses_import(actor=None, study=study, answers=_answers(study, instrument))
    return study_set_status(actor=None, study=study, status=Study.Status.CLOSED)


def demo_gap_ensure() -> GapAssessment:
    existing = GapAssessment.objects.filter(title=GAP_TITLE).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        assessment = gap_assessment_create(
            actor=None, title=GAP_TITLE, assessed_on=dt.date(2019, 2, 15),
            note="Penilaian praktik yang berjalan, harapan pendamping, dan standar pedoman, sebelum uji model.",
        )  # fmt: skip
        for component, applied, expected, standard, note in GAP_RATINGS:
            gap_rating_set(
                actor=None, assessment=assessment, component=component, applied=applied, expected=expected,
                standard=standard, note=note,
            )  # fmt: skip
    return assessment


def demo_study_ensure(*, evaluator_username: str = "evaluator") -> DemoEvaluation:
    """Create the demo study (and run its analysis) and the gap assessment, unless a study exists already."""
    demo_gap_ensure()
    existing = Study.objects.order_by("id").first()
    if existing is not None:
        return DemoEvaluation(existing, False, _("An evaluation study exists already; keeping it."))
    if not INSTRUMENT_FILE.exists():
        return DemoEvaluation(None, False, _("No demo study: %(path)s is missing.") % {"path": INSTRUMENT_FILE})
    evaluator = User.objects.filter(username=evaluator_username, role=Role.EVALUATOR, is_active=True).first()
    study = _study(evaluator)
    analysis = analysis_request(actor=None, study=study, lang="id", run_now=True)
    message = _("Demo study '%(title)s': 20 + 20 companions, analysis %(status)s.") % {
        "title": study.title,
        "status": analysis.get_status_display(),
    }
    return DemoEvaluation(study, True, message)
