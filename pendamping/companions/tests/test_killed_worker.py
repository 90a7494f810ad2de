"""C5 (QUALITY.md): a web worker killed in the middle of an action. A companion's phone sends a visit with two
follow-ups; the process serving it is killed (SIGKILL, no clean-up) after the visit and its audit entry are
written and before the follow-ups are. Nothing of the visit may be left, and the phone's retry with the same
idempotency key must store the visit exactly once. PostgreSQL only: the dying process must be a separate
process on a database that this test can see into after it died."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import Role
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import FollowUp, Visit
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, kube_with_members, village

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]
KEY = "phone-visit-0001"

# The worker: serves the one request through the whole stack (middleware, API, service) and dies by SIGKILL when
# the service saves the first follow-up, after the visit and its audit entry went to the database.
WORKER = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from django.test import Client
    from pendamping.companions.models import FollowUp
    from pendamping.companions.services import visits

    saved = visits.save_checked

    def dying(instance, **kwargs):
        if isinstance(instance, FollowUp):
            os.kill(os.getpid(), signal.SIGKILL)
        return saved(instance, **kwargs)

    visits.save_checked = dying
    client = Client(headers={"Authorization": "Bearer " + sys.argv[1]})
    print(client.post("/api/visits", sys.argv[2], content_type="application/json").status_code)
    """
)


def kill_mid_request(token: str, body: str, data: Path) -> subprocess.CompletedProcess[str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PENDAMPING_DATA": str(data), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", WORKER, token, body], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_a_worker_killed_between_two_writes_leaves_nothing_and_the_retry_stores_one_visit(tmp_path: Path) -> None:
    user = UserFactory(username="ani", role=Role.COMPANION)
    group = kube_with_members(6, desa=village(SURABAYA_VILLAGE))
    AssignmentFactory(group=group, companion=CompanionFactory(user=user), started_on=dt.date(2024, 1, 10))
    token = token_create(user=user, name="phone")[1]
    day = timezone.localdate() - dt.timedelta(days=1)
    body: dict[str, Any] = {
        "group_id": group.pk, "on": str(day), "roles": ["motivator"], "members_present": 5, "client_key": KEY,
        "follow_ups": [{"action": "Cek buku kas", "due_on": str(day + dt.timedelta(days=7))},
                       {"action": "Rapat anggota", "due_on": str(day + dt.timedelta(days=14))}],
    }  # fmt: skip
    entries = AuditEntry.objects.count()

    died = kill_mid_request(token, json.dumps(body), tmp_path)

    assert died.returncode == -signal.SIGKILL, (died.returncode, died.stdout, died.stderr[-2000:])
    assert not Visit.objects.filter(client_key=KEY).exists() and not FollowUp.objects.exists()
    assert AuditEntry.objects.count() == entries  # the visit's audit entry went with it
    phone = Client(headers={"Authorization": f"Bearer {token}"})
    first = phone.post("/api/visits", json.dumps(body), content_type="application/json")
    again = phone.post("/api/visits", json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    visit = Visit.objects.get(client_key=KEY)
    assert visit.follow_ups.count() == 2 and Visit.objects.filter(group=group).count() == 1
