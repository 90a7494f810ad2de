"""Quality row B6: size limits. A file of exactly the import limit is taken, one byte more is refused with a 413 and
a message that names the limit, through the page and the API; a form with more fields than Django allows gets a
400, not a 500; and no refusal leaves a file behind, neither in the import folder nor in the temporary folder.

The limits are made small here (a few kB) so the test stays fast; FILE_UPLOAD_MAX_MEMORY_SIZE = 0 makes Django
spool every upload to a temporary file, so a leaked one would show."""

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row

pytestmark = pytest.mark.django_db

LIMIT = 4096
PAGE = "/exchange/imports/new/"
API = "/api/exchange/imports"


@pytest.fixture(autouse=True)
def _small_limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_MAX_BYTES": LIMIT}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    # The page hands the batch to the worker after its transaction commits; a test's never commits.
    monkeypatch.setattr("pendamping.exchange.queue.transaction.on_commit", lambda fn, **kwargs: fn())


def sized(size: int) -> bytes:
    """A valid families CSV padded (with spaces in the last cell) to exactly `size` bytes."""
    content = csv_bytes(FAMILY_HEADER, [family_row("3578016202900001")])
    assert len(content) < size
    return content[:-2] + b" " * (size - len(content)) + b"\r\n"


def upload(content: bytes, name: str = "families.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def listing(folder: str | Path) -> set[str]:
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


@pytest.fixture
def leftovers(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], set[str]]]:
    """What a request added to the import folder or the temporary folder (and is still there). The temporary
    folder is this test's own, so files of tests running alongside (other processes) cannot show up in it."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    folders = [settings.PENDAMPING["IMPORT_DIR"], tempfile.gettempdir()]
    before = {folder: listing(folder) for folder in folders}
    yield lambda: {f"{folder}/{name}" for folder in folders for name in listing(folder) - before[folder]}


@pytest.fixture
def page(client_for: Callable[..., Client], surabaya_officer: User) -> Client:
    return client_for(surabaya_officer)


@pytest.fixture
def api(surabaya_officer: User) -> Client:
    _token, raw = token_create(user=surabaya_officer, name="limits")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def form(content: bytes) -> dict[str, Any]:
    return {"kind": "families", "mode": "all", "on_existing": "skip", "file": upload(content)}


def test_a_file_of_exactly_the_limit_is_taken_on_the_page(
    page: Client, leftovers: Callable[[], set[str]], settings: Any
) -> None:
    response = page.post(PAGE, form(sized(LIMIT)))
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert batch.file_size == LIMIT
    assert leftovers() == {f"{settings.PENDAMPING['IMPORT_DIR']}/{batch.stored_as}"}  # kept until undone or purged


def test_a_file_one_byte_over_the_limit_is_refused_on_the_page(page: Client, leftovers: Callable[[], set[str]]) -> None:
    response = page.post(PAGE, form(sized(LIMIT + 1)))
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert leftovers() == set()


def test_a_file_of_exactly_the_limit_is_taken_by_the_api(
    api: Client, leftovers: Callable[[], set[str]], settings: Any
) -> None:
    response = api.post(API, {"kind": "families", "file": upload(sized(LIMIT))})
    assert response.status_code == 201, response.content
    assert response.json()["file_size"] == LIMIT
    batch = ImportBatch.objects.get()
    assert leftovers() == {f"{settings.PENDAMPING['IMPORT_DIR']}/{batch.stored_as}"}


def test_a_file_one_byte_over_the_limit_is_refused_by_the_api(api: Client, leftovers: Callable[[], set[str]]) -> None:
    response = api.post(API, {"kind": "families", "file": upload(sized(LIMIT + 1))})
    assert response.status_code == 413, response.content
    error = response.json()["error"]
    assert error["code"] == "too_large" and "larger than the limit" in error["message"]
    assert not ImportBatch.objects.exists()
    assert leftovers() == set()


def test_the_api_still_asks_for_a_token_before_it_judges_the_size(leftovers: Callable[[], set[str]]) -> None:
    response = Client().post(API, {"kind": "families", "file": upload(sized(LIMIT + 1))})
    assert response.status_code == 401
    assert leftovers() == set()


@pytest.mark.parametrize("door", ["page", "api"])
def test_more_form_fields_than_allowed_is_a_400_not_a_500(
    door: str, request: pytest.FixtureRequest, leftovers: Callable[[], set[str]]
) -> None:
    client: Client = request.getfixturevalue(door)
    client.raise_request_exception = False
    data = {**form(sized(1000)), **{f"extra{i}": "x" for i in range(30)}}
    response = client.post(PAGE if door == "page" else API, data)
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
    assert leftovers() == set()


@pytest.mark.parametrize("door", ["page", "api"])
def test_too_many_fields_in_an_urlencoded_body_is_a_400(door: str, request: pytest.FixtureRequest) -> None:
    client: Client = request.getfixturevalue(door)
    client.raise_request_exception = False
    body = "&".join(f"f{i}=x" for i in range(30))
    response = client.post(PAGE if door == "page" else API, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
