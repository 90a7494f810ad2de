# The province's list of KUBE by name (an admin's first page): read in index order, not sorted.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0005_family_tally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="group",
            index=models.Index(fields=["name", "id"], name="group_name"),
        ),
    ]
