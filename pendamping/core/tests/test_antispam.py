"""The public forms' defences (core.antispam): the honeypot, the signed form age, the per-client rate, and a
form sent twice giving its first result back."""

from typing import Any

import pytest
from django import forms
from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory

from pendamping.core import antispam
from pendamping.core.antispam import PublicFormMixin, PublicFormRefused

pytestmark = pytest.mark.django_db  # the rate counters live in the (database) cache
NOW = 1_750_000_000.0


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    cache.clear()
    monkeypatch.setattr(antispam, "_now", lambda: NOW)
    settings.PENDAMPING = {**settings.PENDAMPING, "PUBLIC_FORM_LIMIT": 2, "PUBLIC_FORM_WINDOW": 600}


def post(data: dict[str, Any] | None = None, *, ip: str = "10.1.1.1", **meta: Any) -> HttpRequest:
    return RequestFactory().post("/form/", data or {}, REMOTE_ADDR=ip, **meta)


def sent(*, age: float = 30.0, form: str = "complaint", **fields: Any) -> dict[str, Any]:
    """A form drawn `age` seconds ago, honeypot left empty."""
    return {antispam.STAMP: antispam.form_stamp(form, at=NOW - age), antispam.HONEYPOT: "", **fields}


def refusal(request: HttpRequest, form: str = "complaint") -> PublicFormRefused:
    with pytest.raises(PublicFormRefused) as caught:
        antispam.check_public_submission(request, form)
    return caught.value


def test_a_person_filling_the_form_in_half_a_minute_passes() -> None:
    antispam.check_public_submission(post(sent()), "complaint")


def test_a_filled_honeypot_is_refused() -> None:
    error = refusal(post(sent(website="http://spam.example")))
    assert error.code == "honeypot" and "automated" in error.messages[0]


def test_a_form_sent_within_three_seconds_is_refused() -> None:
    assert refusal(post(sent(age=1.5))).code == "too_fast"
    antispam.check_public_submission(post(sent(age=antispam.MIN_AGE)), "complaint")


def test_a_form_drawn_hours_ago_has_expired() -> None:
    assert refusal(post(sent(age=antispam.MAX_AGE + 1))).code == "expired"
    antispam.check_public_submission(post(sent(age=antispam.MAX_AGE - 1)), "complaint")


@pytest.mark.parametrize(
    "stamp",
    ["", "garbage", "eyJhdCI6MH0:1abc:forged"],
    ids=["missing", "garbage", "forged signature"],
)
def test_a_missing_or_forged_stamp_is_refused(stamp: str) -> None:
    assert refusal(post({antispam.STAMP: stamp})).code == "stamp"


def test_a_stamp_of_another_form_does_not_fit() -> None:
    error = refusal(post(sent(form="recruitment")), "complaint")
    assert error.code == "stamp"


def test_a_stamp_cannot_be_backdated_by_editing_it() -> None:
    """The payload of an older stamp grafted onto the signature of a fresh one."""
    _payload, signature = antispam.form_stamp("complaint", at=NOW).split(":", 1)  # drawn just now: too fast
    older = antispam.form_stamp("complaint", at=NOW - 60).split(":", 1)[0]
    assert refusal(post({antispam.STAMP: f"{older}:{signature}"})).code == "stamp"


def test_a_client_gets_the_limit_per_window_then_is_refused_with_a_wait() -> None:
    for _ in range(2):
        antispam.check_public_submission(post(sent()), "complaint")
        antispam.count_public_submission(post(), "complaint")
    error = refusal(post(sent()))
    assert error.code == "rate_limited" and error.retry_after is not None and 0 < error.retry_after <= 601
    assert "10 minutes" in error.messages[0]


def test_the_limit_is_per_client_and_per_form() -> None:
    for _ in range(2):
        antispam.count_public_submission(post(), "complaint")
    antispam.check_public_submission(post(sent(), ip="10.9.9.9"), "complaint")  # another address
    antispam.check_rate(post(), "complaint_status")  # another form's counter


def test_a_forged_forwarded_for_header_does_not_reset_the_count() -> None:
    for _ in range(2):
        antispam.count_public_submission(post(), "complaint")
    spoofed = post(sent(), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert refusal(spoofed).code == "rate_limited"


def test_the_window_slides(monkeypatch: pytest.MonkeyPatch) -> None:
    antispam.count_public_submission(post(), "complaint")
    monkeypatch.setattr(antispam, "_now", lambda: NOW + 300)
    antispam.count_public_submission(post(), "complaint")
    monkeypatch.setattr(antispam, "_now", lambda: NOW + 599)
    assert refusal(post(sent())).code == "rate_limited"
    monkeypatch.setattr(antispam, "_now", lambda: NOW + 601)  # the first has left the window, not the second
    antispam.check_public_submission(post(sent()), "complaint")
    antispam.count_public_submission(post(), "complaint")
    assert refusal(post(sent())).code == "rate_limited"


def test_the_same_form_sent_twice_gets_the_first_result() -> None:
    data = sent()
    first, again = post(data), post(data)
    assert antispam.replayed(first, "complaint") is None
    assert antispam.claim(first, "complaint")
    assert not antispam.claim(again, "complaint")  # still being processed
    assert antispam.replayed(again, "complaint") is None
    antispam.remember(first, "complaint", "ADU-7K3Q9P2M")
    assert antispam.replayed(again, "complaint") == "ADU-7K3Q9P2M"
    assert antispam.replayed(post(sent()), "complaint") is None  # a newly drawn form is a new submission


def test_a_failed_submission_can_be_corrected_and_sent_again() -> None:
    data = sent()
    assert antispam.claim(post(data), "complaint")
    antispam.release(post(data), "complaint")
    assert antispam.claim(post(data), "complaint")


class ContactForm(PublicFormMixin):
    message = forms.CharField()


def test_the_mixin_adds_a_fresh_stamp_and_the_honeypot() -> None:
    form = ContactForm(form_name="contact")
    html = str(form)
    assert 'name="website"' in html and 'type="hidden" name="form_stamp"' in html
    stamp = form.fields[antispam.STAMP].initial
    request = post({antispam.STAMP: stamp, "message": "hi"})
    assert refusal(request, "contact").code == "too_fast"  # drawn "now"


def test_restamping_a_bound_form_replaces_an_expired_stamp() -> None:
    old = antispam.form_stamp("contact", at=NOW - antispam.MAX_AGE - 10)
    form = ContactForm({antispam.STAMP: old, "message": "hi"}, form_name="contact")
    form.restamp()
    fresh = form.data[antispam.STAMP]
    assert fresh != old and f'value="{fresh}"' in str(form[antispam.STAMP])
    assert form.data["message"] == "hi"
