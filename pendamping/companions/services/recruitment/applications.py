"""Applications to a call: from the public form (nobody signed in) or entered by an officer for one of their
regencies. Each gets a random reference, its automatic scores and a place in its regency's ranking.

A person applies once per call (the NIK decides, sex and birth date come from it); someone already in the
programme as a companion (candidate to active) need not apply and is refused."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Application, Call, Companion
from pendamping.companions.services.recruitment.screening import application_score_auto, rerank
from pendamping.core.references import ALPHABET, random_reference
from pendamping.registry.services._common import nik_info, save_checked, village

# Read aloud over a phone or copied by hand: no 0/O, 1/I/L (as the complaints' references).
REFERENCE_ALPHABET = ALPHABET
REFERENCE_PREFIX = "REK-"
REFERENCE_LENGTH = 8
IN_PROGRAMME = (
    Companion.Status.CANDIDATE,
    Companion.Status.TRAINEE,
    Companion.Status.INTERN,
    Companion.Status.ACTIVE,
)
MOTIVATION_MIN, TEXT_MAX, MAX_YEARS = 20, 3000, 60


def new_reference() -> str:
    """A random reference such as REK-7K3Q9P2M: it does not count applications, so it tells nothing."""
    return random_reference(REFERENCE_PREFIX, REFERENCE_LENGTH)


def duplicate_message() -> str:
    return _("This NIK has already applied to this call; each person applies once per call.")


def _accepting(call: Call) -> None:
    today = timezone.localdate()
    if call.status != Call.Status.OPEN:
        raise ValidationError(_("This call is not taking applications."))
    if today < call.opens_on:
        raise ValidationError(_("Applications open on %(date)s.") % {"date": date_format(call.opens_on)})
    if today > call.closes_on:
        raise ValidationError(_("Applications closed on %(date)s.") % {"date": date_format(call.closes_on)})


def _regency(call: Call, code: Any) -> str:
    code = str(code or "").strip()
    if not call.quotas.filter(regency_id=code).exists():
        raise ValidationError({"regency": _("Choose a regency or city this call recruits in.")})
    return code


def _refuse_person(call: Call, nik: str) -> None:
    if Application.objects.filter(call=call, nik=nik).exists():
        raise ValidationError({"nik": duplicate_message()})
    if Companion.objects.filter(nik=nik, status__in=IN_PROGRAMME).exists():
        raise ValidationError(
            {"nik": _("This NIK belongs to a social companion already in the programme; there is no need to apply.")}
        )


def _text(value: Any, *, field: str, limit: int, least: int = 0) -> str:
    text = str(value or "").strip()
    if len(text) < least:
        raise ValidationError({field: _("Write at least %(n)d characters.") % {"n": least}})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def _phone(value: Any) -> str:
    phone = str(value or "").replace(" ", "").replace("-", "")
    if not re.fullmatch(r"\+?[0-9]{9,15}", phone):
        raise ValidationError({"phone": _("Phone number must be 9-15 digits, e.g. 081234567890.")})
    return phone


def _years(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS:
        raise ValidationError(
            {"experience_years": _("Years of experience: a whole number from 0 to %(n)d.") % {"n": MAX_YEARS}}
        )
    return value


def _fill(application: Application, data: dict[str, Any]) -> None:
    application.name = " ".join(str(data.get("name") or "").split())
    if not application.name:
        raise ValidationError({"name": _("This field is required.")})
    application.phone = _phone(data.get("phone"))
    application.email = str(data.get("email") or "").strip()
    if data.get("education") not in Companion.Education.values:
        raise ValidationError({"education": _("Choose one of the options.")})
    application.education = data["education"]
    application.home_desa = village(str(data.get("home_desa_code") or ""), field="home_desa")
    application.experience_years = _years(data.get("experience_years", 0))
    application.experience = _text(data.get("experience"), field="experience", limit=TEXT_MAX)
    application.motivation = _text(data.get("motivation"), field="motivation", limit=TEXT_MAX, least=MOTIVATION_MIN)


def _save_new(application: Application) -> None:
    """Store under a fresh reference. The unique (call, NIK) index settles a race the check above lost: the
    same person sending twice at once gets the duplicate message, never an error page."""
    for _attempt in range(8):
        application.reference = new_reference()
        try:
            with transaction.atomic():
                save_checked(application, exclude=["call", "regency", "home_desa", "companion", "created_by"])
        except IntegrityError:
            if Application.objects.filter(call_id=application.call_id, nik=application.nik).exists():
                raise ValidationError({"nik": duplicate_message()}) from None
            continue  # the reference was taken meanwhile: draw again
        return
    raise RuntimeError("no free application reference after 8 draws")  # 31^8 references: a broken generator


def _create(*, actor: Any, call: Call, channel: str, regency_code: str, nik: str, **data: Any) -> Application:
    call = Call.objects.select_for_update().get(pk=call.pk)  # one submission at a time per call: ranks stay whole
    _accepting(call)
    code = _regency(call, regency_code)
    require_regency(actor, code, field="regency")
    info = nik_info(nik)
    _refuse_person(call, info.nik)
    application = Application(call=call, regency_id=code, nik=info.nik, sex=info.sex, birth_date=info.birth_date)
    application.channel = channel
    application.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _fill(application, data)
    _save_new(application)
    audit_record(actor=actor, action="create", obj=application, after=snapshot(application))
    application_score_auto(application)
    rerank(call, [code])
    application.refresh_from_db(fields=["score", "rank"])
    return application


@transaction.atomic
def application_submit_public(
    *,
    call: Call,
    regency_code: str,
    nik: str,
    name: str,
    phone: str,
    email: str,
    education: str,
    home_desa_code: str,
    experience_years: int,
    experience: str,
    motivation: str,
) -> Application:
    """An application from the public form (nobody signed in): the call must be open today."""
    return _create(
        actor=None,
        call=call,
        channel=Application.Channel.PUBLIC,
        regency_code=regency_code,
        nik=nik,
        name=name,
        phone=phone,
        email=email,
        education=education,
        home_desa_code=home_desa_code,
        experience_years=experience_years,
        experience=experience,
        motivation=motivation,
    )


@transaction.atomic
def application_enter(
    *,
    actor: Any,
    call: Call,
    regency_code: str,
    nik: str,
    name: str,
    phone: str,
    education: str,
    home_desa_code: str,
    motivation: str,
    email: str = "",
    experience_years: int = 0,
    experience: str = "",
) -> Application:
    """An application an officer enters (received on paper or in person) for one of their regencies."""
    require(actor, "recruitment.enter")
    return _create(
        actor=actor,
        call=call,
        channel=Application.Channel.OFFICER,
        regency_code=regency_code,
        nik=nik,
        name=name,
        phone=phone,
        email=email,
        education=education,
        home_desa_code=home_desa_code,
        experience_years=experience_years,
        experience=experience,
        motivation=motivation,
    )
