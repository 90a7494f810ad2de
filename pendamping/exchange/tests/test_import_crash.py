"""A crash or a killed worker leaves no half-written batch: the batch ends failed, the database as it was, and the
import can run again."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from pendamping.demo.families_file import families_csv_write
from pendamping.exchange.kinds import _families_sinks
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.services.batches import batch_reap_stale, batch_run, batch_undo, batch_upload
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import nik_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_an_error_in_the_middle_writes_nothing_and_the_batch_can_run_again(regions, surabaya_officer, monkeypatch):
    rows = [family_row(nik_for(regions["35.78.01.1001"], n)) for n in range(9001, 9013)]
    monkeypatch.setattr("pendamping.exchange.kinds._families_bulk.CHUNK", 5)
    batch = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[csv_bytes(FAMILY_HEADER, rows)])
    calls = {"n": 0}
    sink_class = _families_sinks.ChunkSink  # inside the test's transaction the import writes chunk by chunk
    original = sink_class.add

    def add_then_fail(self, new, ids):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, new, ids)

    monkeypatch.setattr(sink_class, "add", add_then_fail)
    with pytest.raises(RuntimeError):
        batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and "nothing was written" in batch.message
    assert Family.objects.count() == 0 and not ImportedRecord.objects.exists()
    monkeypatch.setattr(sink_class, "add", original)
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created, Family.objects.count()) == ("done", 12, 12)


@pytest.mark.django_db
def test_a_silent_running_batch_is_ended_as_failed(surabaya_officer):
    batch = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[b"NIK\n"])
    old = timezone.now() - dt.timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", heartbeat_at=old)
    assert batch_reap_stale() == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "Run it again" in batch.message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killing_the_importing_process_leaves_the_database_as_it_was(regions, admin, tmp_path):
    path = tmp_path / "families.csv"
    families_csv_write(path=path, rows=60_000, regencies=["35.78"])
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
           "PENDAMPING_DATA": str(tmp_path / "data"), "PENDAMPING_IMPORT_MAX_MB": "100"}  # fmt: skip
    command = [sys.executable, "-m", "pendamping.cli", "import_data", "families", str(path), "--user", admin.username]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ImportBatch.objects.filter(progress_done__gt=0).exists():
        time.sleep(0.2)
    assert ImportBatch.objects.filter(progress_done__gt=0).exists(), process.stderr.read() if process.poll() else ""
    process.send_signal(signal.SIGKILL)
    process.wait()
    batch = ImportBatch.objects.get()
    assert batch.status == "running" and Family.objects.count() == 0 and not ImportedRecord.objects.exists()
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert batch_reap_stale() == 1
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert Family.objects.count() == 60_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_streaming_copy_path_reimports_nothing_and_undoes(regions, surabaya_officer):
    """Outside a caller's transaction (as the worker and the command run it) PostgreSQL streams one COPY."""
    rows = [family_row(nik_for(regions["35.78.01.1001"], n)) for n in range(9001, 9011)]
    content = csv_bytes(FAMILY_HEADER, rows)
    first = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[content])
    assert not connection.in_atomic_block
    batch_run(batch=first)
    again = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[content])
    batch_run(batch=again)
    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.created, again.created, again.skipped) == (10, 0, 10)
    assert sorted(ImportedRecord.objects.filter(batch=first).object_ids()) == sorted(
        Family.objects.values_list("pk", flat=True)
    )
    batch_undo(actor=surabaya_officer, batch=first)
    assert Family.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_streaming_path_mixes_new_changed_and_unchanged_rows_across_chunks(regions, surabaya_officer, monkeypatch):
    """Each chunk's lookup runs while the next one is cleaned; every answer lands on its own chunk."""
    monkeypatch.setattr("pendamping.exchange.kinds._families_bulk.CHUNK", 3)
    niks = [nik_for(regions["35.78.01.1001"], n) for n in range(9101, 9109)]
    first = batch_upload(actor=surabaya_officer, kind="families", name="a.csv",
                         chunks=[csv_bytes(FAMILY_HEADER, [family_row(n) for n in niks[:2]])])  # fmt: skip
    batch_run(batch=first)
    rows = [family_row(niks[0], income="2.000.000"), family_row(niks[1])] + [family_row(n) for n in niks[2:]]
    second = batch_upload(actor=surabaya_officer, kind="families", name="b.csv", on_existing="update",
                          chunks=[csv_bytes(FAMILY_HEADER, rows)])  # fmt: skip
    batch_run(batch=second)
    second.refresh_from_db()
    assert (second.status, second.created, second.updated, second.skipped) == ("done", 6, 1, 1)
    assert Family.objects.get(nik=niks[0]).monthly_income == 2_000_000
    new = Family.objects.filter(nik__in=niks[2:]).values_list("pk", flat=True)
    assert sorted(ImportedRecord.objects.filter(batch=second, action="c").object_ids()) == sorted(new)
    batch_undo(actor=surabaya_officer, batch=second)
    assert sorted(Family.objects.values_list("nik", flat=True)) == sorted(niks[:2])
    assert Family.objects.get(nik=niks[0]).monthly_income == 1_500_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_stream_in_several_copy_statements(regions, surabaya_officer, monkeypatch):
    monkeypatch.setattr("pendamping.exchange.kinds._families_bulk.CHUNK", 2)
    monkeypatch.setattr("pendamping.exchange.kinds._copy_writer.SEGMENT", 3)
    rows = [family_row(nik_for(regions["35.78.01.1001"], n)) for n in range(9201, 9212)]
    batch = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[csv_bytes(FAMILY_HEADER, rows)])
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("done", 11) and Family.objects.count() == 11


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_copy_the_server_refuses_midway_fails_the_batch_and_writes_nothing(regions, surabaya_officer, monkeypatch):
    """The writer thread's error reaches the import, which neither hangs nor keeps a row."""
    monkeypatch.setattr("pendamping.exchange.kinds._families_bulk.CHUNK", 2)
    monkeypatch.setattr("pendamping.exchange.kinds._copy_writer.SEGMENT", 3)
    real = _families_sinks.copy_lines
    calls = {"n": 0}

    def broken_after_two(rows, ids):
        calls["n"] += 1
        return real(rows, ids) if calls["n"] <= 2 else "not\ta\tfamily\n"

    monkeypatch.setattr(_families_sinks, "copy_lines", broken_after_two)
    rows = [family_row(nik_for(regions["35.78.01.1001"], n)) for n in range(9301, 9321)]
    batch = batch_upload(actor=surabaya_officer, kind="families", name="f.csv", chunks=[csv_bytes(FAMILY_HEADER, rows)])
    with pytest.raises(Exception, match="(?i)copy|column|data"):
        batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and Family.objects.count() == 0 and not ImportedRecord.objects.exists()
