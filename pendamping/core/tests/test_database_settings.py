"""The PostgreSQL connection's settings (config.settings._database): prepared statements, planned per run."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_prepared_statements_are_planned_for_each_runs_own_values() -> None:
    """With statements prepared (PENDAMPING_DB_PREPARED, on by default), PostgreSQL would switch a statement to one
    generic plan after five runs; for a regency's KUBE ranking on the province data set that plan took 11.7 s
    instead of 0.2 s (bench/api_lists.py). Each run must be planned for its own values."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"


def test_the_prepared_statement_settings_keep_other_connection_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import settings

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/p?options=-c%20statement_timeout%3D5000")
    monkeypatch.delenv("PENDAMPING_DB_PREPARED", raising=False)
    options = settings._database()["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    assert options["options"] == "-c statement_timeout=5000 -c plan_cache_mode=force_custom_plan"
    monkeypatch.setenv("PENDAMPING_DB_PREPARED", "0")  # off: the URL's own options, nothing added
    assert settings._database()["OPTIONS"] == {"options": "-c statement_timeout=5000"}
