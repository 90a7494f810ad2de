"""Quality row E3: no NIK, name or address in any log line or error mail, through every door.

Every logger of the site, of Django and of axes logs at DEBUG (the settings' LOGGING, levels lowered), error mails
go to an admin (DEBUG off, ADMINS set), and a family with recognisable data goes through the pages, the API, the
import page and command, validation errors, a 404, a 403, forced 500s and failed logins. No captured record's
message, no line of the configured console handler (traceback included) and no mail may contain the NIK, the KK
number, the name or the address.

Two Django loggers stay as the settings pin them, at INFO whatever PENDAMPING_LOG_LEVEL says, because their DEBUG
records are personal data by design: `django.db.backends` (SQL with its parameters) and `django.template` (a
missing variable logged with the whole context: the request's URL with its search terms, the records on the page).
test_loggers_that_would_log_personal_data_are_pinned_above_debug holds the settings to that; production never runs
them at DEBUG.

Cast: the Surabaya officer registers the family; the Malang officer may not see it (404); the auditor may not
change it (403)."""

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, nik_for, village

pytestmark = pytest.mark.django_db

NAME = "Siti Logtest"
ADDRESS = "Jalan Logtest 7"
KK = "3578010000007777"
NEW = reverse("registry:family_create")
LOGGER_ROOTS = ("pendamping", "django", "axes")
PINNED = ("django.db.backends", "django.template")


class Captured(logging.Handler):
    """Every record that reaches the root logger, with those of pytest's caplog (the same ones, unless a handler
    on the way stopped one)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        super().__init__(level=logging.DEBUG)
        self.caplog = caplog
        self.seen: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record)

    @property
    def records(self) -> list[logging.LogRecord]:
        return [*self.seen, *(r for r in self.caplog.records if r not in self.seen)]


@pytest.fixture
def nik(regions: Any) -> str:
    return nik_for(village(SURABAYA_VILLAGE), 7777, female=True)


@pytest.fixture
def personal(nik: str) -> tuple[str, ...]:
    return (nik, KK, NAME, ADDRESS, "Logtest")


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture, settings: Any) -> Iterator[Captured]:
    """The settings' logging with every site, Django and axes logger at DEBUG; error mails on."""
    settings.DEBUG = False
    settings.ADMINS = [("Operator", "operator@example.org")]
    caplog.set_level(logging.DEBUG)
    manager = logging.root.manager
    names = [n for n in manager.loggerDict if n.split(".")[0] in LOGGER_ROOTS and not n.startswith(PINNED)]
    loggers = [logging.getLogger(name) for name in {*names, *LOGGER_ROOTS}]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    handler = Captured(caplog)
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in levels:
            logger.setLevel(level)


def console_formatter() -> logging.Formatter:
    """The formatter of the settings' console handler: what an operator's log actually shows."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    return console.formatter or logging.Formatter()


def assert_clean(captured: Captured, personal: tuple[str, ...]) -> None:
    formatter = console_formatter()
    for record in captured.records:
        for text in (record.getMessage(), formatter.format(record)):
            leaked = [value for value in personal if value.lower() in text.lower()]
            assert not leaked, f"{record.name} logged {leaked}: {text[:2000]}"
    for message in mail.outbox:
        bodies = [message.subject, str(message.body), *(str(content) for content, _type in message.alternatives)]
        for text in bodies:
            leaked = [value for value in personal if value.lower() in text.lower()]
            assert not leaked, f"the error mail holds {leaked}: {text[:3000]}"


def form_data(nik: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "nik": nik, "head_name": NAME, "kk_number": KK, "regency": "35.78", "kecamatan": "35.78.01",
        "desa": SURABAYA_VILLAGE, "address": ADDRESS, "rt": "003", "rw": "001", "household_size": "4",
        "monthly_income": "1.500.000", "status": "active",
    }  # fmt: skip
    return {**data, **overrides}


def api_body(nik: str, **overrides: Any) -> dict[str, Any]:
    body = {"nik": nik, "kk_number": KK, "head_name": NAME, "desa_code": SURABAYA_VILLAGE, "address": ADDRESS}
    return {**body, **overrides}


def api(user: User) -> Client:
    _token, raw = token_create(user=user, name="log test")
    return Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)


def family_row(nik: str, *, kk: str = KK) -> list[str]:
    return [nik, kk, NAME, SURABAYA_VILLAGE, ADDRESS, "003", "005", "4", "1.500.000", "2"]


@pytest.fixture
def officer(client_for: Callable[..., Client], surabaya_officer: User) -> Client:
    client = client_for(surabaya_officer)
    client.raise_request_exception = False
    return client


@pytest.fixture
def family(officer: Client, nik: str) -> Family:
    assert officer.post(NEW, form_data(nik)).status_code == 302
    return Family.objects.get(nik=nik)


# --- pages and API --------------------------------------------------------------------------------------------


def test_registering_and_changing_a_family_on_the_pages_logs_no_personal_data(
    captured: Captured, personal: tuple[str, ...], officer: Client, nik: str
) -> None:
    assert officer.post(NEW, form_data(nik)).status_code == 302
    family = Family.objects.get(nik=nik)
    edit = reverse("registry:family_edit", args=[family.pk])
    assert officer.get(edit).status_code == 200
    assert officer.post(edit, form_data(nik, address=f"{ADDRESS}A", version=1)).status_code == 302
    assert officer.get(reverse("registry:family_list"), {"q": NAME}).status_code == 200
    assert officer.post(NEW, form_data(nik)).status_code == 200  # the NIK exists: a form error
    assert officer.post(NEW, form_data(f"{nik}9")).status_code == 200  # 17 digits
    assert_clean(captured, personal)


def test_the_api_logs_no_personal_data_on_success_or_validation_errors(
    captured: Captured, personal: tuple[str, ...], surabaya_officer: User, nik: str
) -> None:
    client = api(surabaya_officer)
    created = client.post("/api/families", api_body(nik), content_type="application/json")
    assert created.status_code == 201, created.content
    url = f"/api/families/{created.json()['id']}"
    assert client.get(url).status_code == 200
    changed = client.patch(url, {"version": 1, "address": f"{ADDRESS}B"}, content_type="application/json")
    assert changed.status_code == 200
    assert client.get("/api/families", {"q": NAME}).status_code == 200
    invalid = [
        api_body(nik),  # the NIK exists
        api_body(f"{nik}9"),  # too long a NIK
        api_body(nik, head_name=NAME * 20),  # over max_length
        {**api_body(nik), "religion": NAME},  # an unknown field
    ]
    for body in invalid:
        response = client.post("/api/families", body, content_type="application/json")
        assert response.status_code in (400, 409, 422), response.content
    assert client.post("/api/families", f'{{"head_name": "{NAME}"', content_type="application/json").status_code == 400
    assert_clean(captured, personal)


def test_a_404_and_a_403_log_no_personal_data(
    captured: Captured,
    personal: tuple[str, ...],
    family: Family,
    nik: str,
    client_for: Callable[..., Client],
    malang_officer: User,
    auditor: User,
) -> None:
    detail = reverse("registry:family_detail", args=[family.pk])
    edit = reverse("registry:family_edit", args=[family.pk])
    assert client_for(malang_officer).get(detail, {"q": NAME}).status_code == 404
    assert client_for(malang_officer).post(edit, form_data(nik, version=1)).status_code == 404
    assert client_for(auditor).post(edit, form_data(nik, version=1)).status_code == 403
    assert api(malang_officer).get(f"/api/families/{family.pk}", {"q": NAME}).status_code == 404
    patch = {"version": 1, "address": ADDRESS, "head_name": NAME}
    assert api(auditor).patch(f"/api/families/{family.pk}", patch, content_type="application/json").status_code == 403
    assert api(auditor).post("/api/families", api_body(nik), content_type="application/json").status_code == 403
    assert any(r.name == "django.request" and r.levelno == logging.WARNING for r in captured.records)  # logged
    assert_clean(captured, personal)


# --- server errors: the log line and the mail -----------------------------------------------------------------


def crash(message: str = "a bug") -> Callable[..., Any]:
    def raise_(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(message)

    return raise_


def test_a_server_error_on_a_form_mails_the_field_names_but_not_their_values(
    captured: Captured,
    personal: tuple[str, ...],
    officer: Client,
    nik: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pendamping.registry.views.families.services.family_create", crash())
    assert officer.post(f"{NEW}?head_name=Siti+Logtest", form_data(nik)).status_code == 500
    (message,) = mail.outbox
    assert "Internal Server Error" in message.subject
    assert "head_name = '********************'" in message.body and "RuntimeError" in message.body
    assert any(r.name == "django.request" and r.levelno == logging.ERROR for r in captured.records)
    assert_clean(captured, personal)


def test_a_server_error_on_a_search_mails_no_query_values(
    captured: Captured,
    personal: tuple[str, ...],
    officer: Client,
    nik: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pendamping.registry.views.families.family_list", crash())
    response = officer.get(reverse("registry:family_list"), {"q": NAME, "nik": nik, "address": ADDRESS})
    assert response.status_code == 500
    (message,) = mail.outbox
    assert "q = '********************'" in message.body
    assert_clean(captured, personal)


def test_a_nik_in_an_exceptions_text_is_masked_in_the_mail_and_the_log(
    captured: Captured,
    officer: Client,
    nik: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What PostgreSQL says of a unique violation that reaches no handler.
    detail = f'duplicate key value violates unique constraint "family_nik" DETAIL: Key (nik)=({nik}) already exists.'
    monkeypatch.setattr("pendamping.registry.views.families.services.family_create", crash(detail))
    assert officer.post(NEW, form_data(nik)).status_code == 500
    (message,) = mail.outbox
    assert "Key (nik)=(****************)" in message.body
    # The exception's text is the database's, not ours: only the number can be recognised and masked.
    assert_clean(captured, (nik,))


def test_a_server_error_in_the_api_mails_no_personal_data(
    captured: Captured,
    personal: tuple[str, ...],
    surabaya_officer: User,
    nik: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pendamping.registry.api.families.family_create", crash())
    client = api(surabaya_officer)
    assert client.post(f"/api/families?q={nik}", api_body(nik), content_type="application/json").status_code == 500
    assert len(mail.outbox) == 1
    assert_clean(captured, personal)


# --- imports ------------------------------------------------------------------------------------------------------


@pytest.fixture
def _tasks_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page hands the batch to the worker after its transaction commits; a test's never commits.
    monkeypatch.setattr("pendamping.exchange.queue.transaction.on_commit", lambda fn, **kwargs: fn())


@pytest.mark.usefixtures("_tasks_after_commit")
def test_an_import_with_bad_rows_logs_no_personal_data(
    captured: Captured,
    personal: tuple[str, ...],
    officer: Client,
    nik: str,
    surabaya_officer: User,
    tmp_path: Path,
) -> None:
    content = csv_bytes(FAMILY_HEADER, [family_row(nik), family_row(nik, kk="123"), family_row(f"{nik[:-1]}x")])
    upload = SimpleUploadedFile("families.csv", content)
    response = officer.post("/exchange/imports/new/", {"kind": "families", "mode": "all", "on_existing": "skip",
                                                       "file": upload})  # fmt: skip
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert officer.post(f"/exchange/imports/{batch.pk}/run/").status_code == 302
    assert officer.get(f"/exchange/imports/{batch.pk}/").status_code == 200
    batch.refresh_from_db()
    assert batch.status == "rejected" and batch.error_count == 2

    path = tmp_path / "families.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_data", "families", str(path), "--user", surabaya_officer.username, stdout=None)
    assert not Family.objects.filter(nik=nik).exists()
    assert_clean(captured, personal)


# --- sign-in ------------------------------------------------------------------------------------------------------


def test_failed_and_locked_out_logins_log_no_personal_data(
    captured: Captured, personal: tuple[str, ...], surabaya_officer: User, nik: str
) -> None:
    client = Client()
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": surabaya_officer.username, "password": nik})
    assert any(r.name.startswith("axes") for r in captured.records)  # axes did log the failures and the lockout
    assert_clean(captured, personal)


# --- the logging configuration itself -------------------------------------------------------------------------


@pytest.mark.parametrize("name", PINNED)
def test_loggers_that_would_log_personal_data_are_pinned_above_debug(name: str) -> None:
    """SQL is logged at DEBUG (only while DEBUG is on), a template's missing variable too: the settings keep both
    loggers at INFO whatever level PENDAMPING_LOG_LEVEL gives the root, so not even a debugging server writes NIKs
    or names to its log."""
    assert django_settings.LOGGING["loggers"][name]["level"] == "INFO"
    assert logging.getLogger(name).getEffectiveLevel() > logging.DEBUG
    assert logging.getLogger(f"{name}.anything").getEffectiveLevel() > logging.DEBUG


def test_error_mails_use_the_filter_that_hides_personal_data() -> None:
    from django.views.debug import get_default_exception_reporter_filter

    from pendamping.core.reporting import PersonalDataFilter

    assert isinstance(get_default_exception_reporter_filter(), PersonalDataFilter)
    (handler,) = [h for h in logging.getLogger("django").handlers if h.get_name() == "mail_admins"]
    assert handler.reporter_class.__name__ == "PersonalDataReporter"  # type: ignore[attr-defined]
