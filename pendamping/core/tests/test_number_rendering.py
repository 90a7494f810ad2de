"""How the pages print numbers: ids plainly wherever they go (links above all), amounts and counts meant for people
grouped the way the reader's language groups them (1.500.000 in Indonesian, 1,500,000 in English).

USE_THOUSAND_SEPARATOR is off (config/settings.py): with it on, every integer a template printed was grouped, so
a link such as ?group={{ group.pk }} turned into ?group=123.456 once the ids passed 999. The templates now group
only where a number is shown to a person, with humanize's |intcomma; the guard at the end keeps it off the ids."""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Call
from pendamping.regions.models import Region
from pendamping.registry.models import Grant, Group

BIG_ID = 123_456  # past 999, where the grouping used to start
GROUPED_ID = ("123.456", "123,456")
LANGUAGES = ("id", "en")


def kube(**fields: object) -> Group:
    """An active KUBE of Karang Pilang (Kota Surabaya). Written directly rather than with the registry's factories:
    importing those makes mypy check them too, and they carry type errors of their own (factory_boy's typing)."""
    desa = Region.objects.get(code="35.78.01.1001", level=Region.Level.VILLAGE)
    defaults: dict[str, object] = {
        "code": "F0000001",
        "name": "KUBE Maju Bersama",
        "desa": desa,
        "regency": Region.objects.get(code="35.78"),
        "sector": Group.Sector.TRADE,
        "founded_on": dt.date(2023, 1, 15),
        "status": Group.Status.ACTIVE,
    }
    return Group.objects.create(**{**defaults, **fields})


def client_in(language: str, user: User, client_for: Callable[..., Client]) -> Client:
    """A signed-in client that reads the pages in `language`. The tests default to English (conftest); the
    pages follow the language cookie, never the browser's Accept-Language (core.middleware.CookieLocaleMiddleware)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, url: str, language: str) -> str:
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{language}"' in html
    return html


# --- ids stay plain ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_large_kube_id_stays_plain_in_the_links_of_its_page(
    language: str, admin: User, client_for: Callable[..., Client]
) -> None:
    group = kube(pk=BIG_ID)

    html = page(client_in(language, admin, client_for), reverse("registry:group_detail", args=[group.pk]), language)

    assert f'href="{reverse("enterprise:report_list")}?group={BIG_ID}"' in html  # the monthly reports panel
    assert f'href="{reverse("companions:visit_list")}?group={BIG_ID}"' in html  # the visits panel
    assert f"&amp;groups={BIG_ID}" in html  # the partnerships panel's "New agreement"
    assert not any(grouped in html for grouped in GROUPED_ID)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_large_call_id_stays_plain_in_the_applications_download_links(
    language: str, admin: User, client_for: Callable[..., Client]
) -> None:
    # Written directly with its id: the services number calls themselves, and the page only needs the call.
    today = timezone.localdate()
    call = Call.objects.create(
        pk=BIG_ID,
        title="Rekrutmen pendamping 2025",
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=25),
        status=Call.Status.OPEN,
    )

    html = page(
        client_in(language, admin, client_for), reverse("companions:application_list", args=[call.pk]), language
    )

    assert f"?call={BIG_ID}&amp;format=csv" in html and f"?call={BIG_ID}&amp;format=xlsx" in html
    assert not any(grouped in html for grouped in GROUPED_ID)


# --- amounts are grouped for people -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "grouped", "other"), [("id", "25.000.000", "25,000,000"), ("en", "25,000,000", "25.000.000")]
)
def test_a_grant_amount_is_grouped_the_way_the_readers_language_groups_it(
    language: str, grouped: str, other: str, admin: User, client_for: Callable[..., Client]
) -> None:
    grant = Grant.objects.create(group=kube(), amount=25_000_000, source=Grant.Source.APBN, year=2024)
    client = client_in(language, admin, client_for)

    for url in (reverse("registry:group_detail", args=[grant.group_id]), reverse("registry:grant_list")):
        html = page(client, url, language)
        assert grouped in html, url
        assert other not in html and "25000000" not in html, url


# --- the guard: no template groups an id ------------------------------------------------------------------------

# An id by its name: pk, something.pk, something.id, something_id.
ID_NAME = re.compile(r"(?:^|\.)(?:pk|id)$|_id$")
# A value and its filters: the whole of a {{ … }}, or one name=value of a tag ({% blocktranslate with … %}, {% with %}).
OUTPUT = re.compile(r"\{\{\s*(?P<expr>.*?)\s*\}\}", re.DOTALL)
TAG = re.compile(r"\{%(?P<body>.*?)%\}", re.DOTALL)
ASSIGNED = re.compile(r"\b\w+=(?P<expr>[^\s%]+)")


def grouped_ids(text: str) -> Iterator[tuple[int, str]]:
    """(line, expression) of every id in `text` that carries |intcomma."""
    found = [(m.start(), m["expr"]) for m in OUTPUT.finditer(text)]
    found += [(tag.start(), m["expr"]) for tag in TAG.finditer(text) for m in ASSIGNED.finditer(tag["body"])]
    for start, expr in sorted(found):
        variable, *filters = (part.strip() for part in expr.split("|"))
        if ID_NAME.search(variable) and any(f.split(":")[0] == "intcomma" for f in filters):
            yield text.count("\n", 0, start) + 1, expr


def project_templates() -> Iterator[Path]:
    """Every template of the project: the templates folder and the apps' own, not Django's or a library's."""
    project = Path(settings.BASE_DIR) / "pendamping"
    for folder in engines["django"].template_dirs:
        if Path(folder).is_relative_to(project):
            yield from sorted(Path(folder).rglob("*.html"))


def test_the_guard_catches_a_grouped_id() -> None:
    text = (
        '<a href="?group={{ group.pk|intcomma }}">\n'
        "{% blocktranslate with n=report.group_id|intcomma %}x{% endblocktranslate %}\n"
        "{{ grant.amount|intcomma }} {{ family.pk }} {% blocktranslate with paid=summary.paid|intcomma %}…"
    )
    assert list(grouped_ids(text)) == [(1, "group.pk|intcomma"), (2, "report.group_id|intcomma")]


def test_no_template_groups_an_id() -> None:
    templates = list(project_templates())
    assert len(templates) > 100  # the scan found the templates
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {expr}"
        for path in templates
        for line, expr in grouped_ids(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "ids must print plainly, never with |intcomma:\n" + "\n".join(offenders)
