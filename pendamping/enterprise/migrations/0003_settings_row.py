from django.db import migrations


def create_settings(apps, schema_editor):
    """The settings row exists from the start: pages read it, and a read must not have to write it."""
    apps.get_model("enterprise", "EnterpriseSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("enterprise", "0002_default_rubric")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
