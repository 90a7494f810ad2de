"""The default KUBE classification rubric, put in use: three levels (tumbuh from 0, berkembang from 50, maju
from 75), nine indicators weighing 100 in all (institutional 30, social 30, economic 40), the top 3 KUBE per
regency at level maju with 12 months of reports outstanding. A copy, not an import, of the services' default:
a migration must keep meaning what it meant when it ran. Skipped when a rubric is already in use."""

from decimal import Decimal

from django.db import migrations

LEVELS = [(1, "tumbuh", Decimal(0)), (2, "berkembang", Decimal(50)), (3, "maju", Decimal(75))]
INDICATORS = [
    ("institutional", "board_complete", "Pengurus lengkap", 10),
    ("institutional", "meetings_per_month", "Pertemuan per bulan", 10),
    ("institutional", "reports_on_time", "Laporan tepat waktu", 10),
    ("social", "iks_regular", "IKS dibayar teratur", 10),
    ("social", "member_participation", "Partisipasi anggota", 10),
    ("social", "member_retention", "Retensi anggota", 10),
    ("economic", "profit_trend", "Tren laba 6 bulan", 15),
    ("economic", "asset_growth", "Aset terhadap bantuan", 15),
    ("economic", "income_change", "Perubahan pendapatan anggota", 10),
]


def create_default(apps, schema_editor):
    Rubric = apps.get_model("enterprise", "Rubric")
    Level = apps.get_model("enterprise", "Level")
    Indicator = apps.get_model("enterprise", "Indicator")
    if Rubric.objects.filter(is_active=True).exists():
        return
    rubric = Rubric.objects.create(
        name="Klasifikasi KUBE (bawaan)",
        is_active=True,
        outstanding_per_regency=3,
        outstanding_min_level=3,
        outstanding_min_months=12,
        window_months=6,
    )
    Level.objects.bulk_create(
        Level(rubric=rubric, position=position, name=name, min_score=score) for position, name, score in LEVELS
    )
    Indicator.objects.bulk_create(
        Indicator(rubric=rubric, aspect=aspect, rule=rule, label=label, weight=Decimal(weight), position=i)
        for i, (aspect, rule, label, weight) in enumerate(INDICATORS)
    )


def remove_default(apps, schema_editor):
    apps.get_model("enterprise", "Rubric").objects.filter(name="Klasifikasi KUBE (bawaan)").delete()


class Migration(migrations.Migration):
    dependencies = [("enterprise", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
