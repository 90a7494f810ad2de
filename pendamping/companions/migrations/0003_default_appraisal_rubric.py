"""The default appraisal rubric, put in use: seven indicators rated 1-4 by the supervising officer over the three
roles (resource person 20, motivator 20, facilitator 20) and four computed from data (visits per KUBE per month,
monthly reports on time, KUBE classification trend, follow-ups done on time: 10 each), weighing 100 in all;
performing well from a score of 70; one visit per KUBE per month as the target. A copy, not an import, of the
services' default: a migration must keep meaning what it meant when it ran. Skipped when a rubric is in use."""

from decimal import Decimal

from django.db import migrations

NAME = "Penilaian pendamping (bawaan)"
INDICATORS = [
    ("resource", "", "Menjelaskan pengetahuan usaha dan pembukuan", 10),
    ("resource", "", "Membawa informasi pasar dan harga", 10),
    ("motivator", "", "Anggota hadir dalam pertemuan kelompok", 7),
    ("motivator", "", "IKS dibayar teratur", 6),
    ("motivator", "", "Semangat dan kekompakan kelompok", 7),
    ("facilitator", "", "Menghubungkan kelompok dengan mitra dan layanan", 10),
    ("facilitator", "", "Menyelesaikan masalah dan konflik kelompok", 10),
    ("data", "visits_per_month", "Kunjungan per KUBE per bulan", 10),
    ("data", "reports_on_time", "Laporan bulanan tepat waktu", 10),
    ("data", "classification_trend", "Tren klasifikasi KUBE", 10),
    ("data", "followups_on_time", "Tindak lanjut selesai tepat waktu", 10),
]


def create_default(apps, schema_editor):
    Rubric = apps.get_model("companions", "AppraisalRubric")
    Indicator = apps.get_model("companions", "AppraisalIndicator")
    if Rubric.objects.filter(is_active=True).exists():
        return
    rubric = Rubric.objects.create(name=NAME, is_active=True, threshold=Decimal(70), visits_per_month=Decimal(1))
    Indicator.objects.bulk_create(
        Indicator(rubric=rubric, role=role, rule=rule, label=label, weight=Decimal(weight), position=i)
        for i, (role, rule, label, weight) in enumerate(INDICATORS)
    )


def remove_default(apps, schema_editor):
    Rubric = apps.get_model("companions", "AppraisalRubric")
    Appraisal = apps.get_model("companions", "Appraisal")
    rubrics = Rubric.objects.filter(name=NAME)
    if not Appraisal.objects.filter(rubric__in=rubrics).exists():  # appraisals keep the rubric they were made under
        rubrics.delete()


class Migration(migrations.Migration):
    dependencies = [("companions", "0002_companion_model")]

    operations = [migrations.RunPython(create_default, remove_default)]
