"""C1: two imports racing with the same new NIK. Both look it up before either commits, so both see it as new; the
one that commits first wins, the other ends with a row error for it, not a crash (a 500)."""

import threading
from typing import Any

import pytest
from django.db import connection

from pendamping.exchange.kinds import _families_sinks
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.services.batches import batch_run, batch_upload
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import nik_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_import_that_loses_a_race_for_a_nik_gets_a_row_error(regions, surabaya_officer, monkeypatch):
    village = regions["35.78.01.1001"]
    shared = nik_for(village, 9401)
    files = {
        "a.csv": [family_row(shared)] + [family_row(nik_for(village, n)) for n in range(9411, 9414)],
        "b.csv": [family_row(nik_for(village, n)) for n in range(9421, 9424)] + [family_row(shared)],
    }
    batches = [
        batch_upload(
            actor=surabaya_officer,
            kind="families",
            name=name,
            mode="valid-only",
            on_existing="reject",
            chunks=[csv_bytes(FAMILY_HEADER, rows)],
        )
        for name, rows in files.items()
    ]
    # Both imports have looked their NIKs up (and found the shared one new) before either commits: the race,
    # every time rather than by luck of timing. Only each thread's first attempt waits.
    looked_up = threading.Barrier(2, timeout=10)
    waited: set[int] = set()
    close = _families_sinks.CopySink.close

    def close_together(self: Any) -> None:
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            looked_up.wait()
        close(self)

    monkeypatch.setattr(_families_sinks.CopySink, "close", close_together)
    start = threading.Barrier(2, timeout=10)
    raised: list[BaseException] = []

    def run(batch: ImportBatch) -> None:
        try:
            start.wait()
            batch_run(batch=batch)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert not any(thread.is_alive() for thread in threads)
    assert not raised, raised

    assert Family.objects.filter(nik=shared).count() == 1
    assert Family.objects.count() == 7
    for batch in batches:
        batch.refresh_from_db()
        assert batch.status == "done", batch.message
        assert batch.created + batch.updated + batch.skipped + batch.rejected == batch.rows == 4
    kept = [pk for batch in batches for pk in ImportedRecord.objects.filter(batch=batch).object_ids()]
    assert sorted(kept) == sorted(Family.objects.values_list("pk", flat=True))  # nothing kept from a lost run
    winner, loser = sorted(batches, key=lambda b: b.rejected)
    assert (winner.created, winner.rejected) == (4, 0)
    assert (loser.created, loser.rejected) == (3, 1)
    [error] = loser.errors
    assert error["row"] == (2 if loser.file_name == "a.csv" else 5)
    assert "already exists" in error["message"], error
    assert "unexpected" not in loser.message
