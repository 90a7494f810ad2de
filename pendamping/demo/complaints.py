"""Demo complaints (pengaduan): a handful over the demo regencies, from the public form and entered by officers,
some anonymous, new, in progress (assigned), resolved or rejected (with the resolution), one of them overdue.

References are drawn like the real ones (ADU- and eight characters of the unambiguous alphabet), but from the
demo's random.Random, so the same demo gives the same references."""

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings

from pendamping.companions.models import Companion
from pendamping.complaints.models import Complaint
from pendamping.complaints.services import REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIX
from pendamping.demo import people
from pendamping.demo.facts import DEMO_TODAY, OFFICER_REGENCIES, at
from pendamping.registry.models import Grant, Group

C = Complaint


@dataclass(frozen=True)
class Spec:
    regency: str
    subject: str
    category: str
    channel: str
    anonymous: bool
    status: str
    days_ago: int  # received this many days before the demo's today
    description: str
    resolution: str = ""
    closed_after: int = 0  # days from receipt to closing


COMPLAINTS = (
    Spec("35.78", C.Subject.GROUP, C.Category.FUNDS, C.Channel.PUBLIC, True, C.Status.IN_PROGRESS, 11,
         "Ketua KUBE menjual dua ekor kambing bantuan tanpa musyawarah dengan anggota."),
    Spec("35.78", C.Subject.COMPANION, C.Category.SERVICE, C.Channel.PUBLIC, False, C.Status.RESOLVED, 75,
         "Pendamping jarang datang; sudah tiga bulan tidak ada pertemuan kelompok.",
         "Pendamping ditegur; jadwal kunjungan bulanan disepakati dan sudah berjalan dua bulan.", 12),
    Spec("35.07", C.Subject.GRANT, C.Category.SERVICE, C.Channel.OFFICER, False, C.Status.NEW, 4,
         "Tahap kedua bantuan belum cair, padahal laporan penggunaan tahap pertama sudah diserahkan."),
    Spec("35.07", C.Subject.GROUP, C.Category.CONFLICT, C.Channel.PUBLIC, True, C.Status.NEW, 38,
         "Pembagian hasil usaha tidak terbuka; anggota tidak pernah diperlihatkan buku kas kelompok."),
    Spec("35.09", C.Subject.GROUP, C.Category.CONFLICT, C.Channel.OFFICER, False, C.Status.RESOLVED, 120,
         "Dua kubu anggota berselisih soal pembagian tugas memelihara ternak.",
         "Mediasi di balai desa bersama kepala desa; pembagian tugas ditulis dan disepakati.", 20),
    Spec("35.26", C.Subject.GRANT, C.Category.FUNDS, C.Channel.PUBLIC, True, C.Status.REJECTED, 60,
         "Bantuan dipakai untuk keperluan pribadi bendahara.",
         "Nota dan buku kas diperiksa: dana dipakai sesuai RAB. Aduan tidak terbukti.", 9),
    Spec("35.15", C.Subject.COMPANION, C.Category.CONDUCT, C.Channel.PUBLIC, False, C.Status.IN_PROGRESS, 8,
         "Pendamping meminta uang transport kepada kelompok setiap kali berkunjung."),
    Spec("35.10", C.Subject.GROUP, C.Category.OTHER, C.Channel.PUBLIC, True, C.Status.NEW, 2,
         "Papan nama KUBE dipasang, tetapi usahanya tidak pernah terlihat berjalan."),
)  # fmt: skip


def reference(rng: random.Random) -> str:
    return REFERENCE_PREFIX + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _about(rng: random.Random, spec: Spec) -> dict[str, object] | None:
    """The KUBE, grant or companion of the spec's regency the complaint names; None if the regency has none."""
    if spec.subject == C.Subject.COMPANION:
        companion = rng.choice(list(Companion.objects.filter(regency_id=spec.regency).order_by("id")[:20]) or [None])
        return None if companion is None else {"companion": companion, "subject_text": companion.name}
    if spec.subject == C.Subject.GRANT:
        grants = Grant.objects.filter(group__regency_id=spec.regency).select_related("group").order_by("id")
        grant = rng.choice(list(grants[:20]) or [None])
        return None if grant is None else {"grant": grant, "group": grant.group, "subject_text": grant.group.name}
    groups = Group.objects.filter(regency_id=spec.regency, status=Group.Status.ACTIVE).order_by("id")
    group = rng.choice(list(groups[:20]) or [None])
    return None if group is None else {"group": group, "subject_text": group.name}


def _complaint(rng: random.Random, spec: Spec, officer: int | None, admin: int | None) -> Complaint | None:
    about = _about(rng, spec)
    if about is None:
        return None
    received = DEMO_TODAY - dt.timedelta(days=spec.days_ago)
    handler = officer if spec.regency in OFFICER_REGENCIES else admin
    sex = "F" if rng.random() < 0.5 else "M"
    name = "" if spec.anonymous else people.person_name(rng, sex, rng.random() < 0.3)
    return Complaint(
        reference=reference(rng), regency_id=spec.regency, subject=spec.subject, category=spec.category,
        description=spec.description, channel=spec.channel, anonymous=spec.anonymous, complainant_name=name,
        complainant_contact="" if spec.anonymous else people.phone(rng), status=spec.status,
        assigned_to_id=None if spec.status == C.Status.NEW else handler, resolution=spec.resolution,
        due_on=received + dt.timedelta(days=int(settings.PENDAMPING["COMPLAINT_DUE_DAYS"])),
        closed_on=received + dt.timedelta(days=spec.closed_after) if spec.resolution else None,
        created_by_id=handler if spec.channel == C.Channel.OFFICER else None, **about,
    )  # fmt: skip


def demo_complaints_seed(*, rng: random.Random, officer: int | None, admin: int | None) -> list[Complaint]:
    made = [(row, spec) for spec in COMPLAINTS if (row := _complaint(rng, spec, officer, admin)) is not None]
    Complaint.objects.bulk_create([row for row, _spec in made])
    for row, spec in made:
        # Received (and last changed) on their own days: the insert stamped them with the real time.
        received = DEMO_TODAY - dt.timedelta(days=spec.days_ago)
        Complaint.objects.filter(pk=row.pk).update(
            created_at=at(received, rng.randint(8, 16)), updated_at=at(row.closed_on or received, 17)
        )
    return [row for row, _spec in made]
