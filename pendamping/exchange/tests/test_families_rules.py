"""The families import follows the family form's rules: its fast path and its careful path clean a row the same
way, and a row it accepts is one `family_create` accepts (and the other way round)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pendamping.exchange.kinds._regions import dotted
from pendamping.exchange.kinds.base import Context, RowInvalid
from pendamping.exchange.kinds.families import KIND
from pendamping.registry.services.families import family_create
from pendamping.registry.tests.factories import nik_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)

odd = st.sampled_from(["x", " 7 ", "-1", "1.500.000", "0"])
cells = st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=1, max_size=3), odd)
rows = st.fixed_dictionaries(
    {
        "serial": st.integers(9001, 9998),
        # Mostly valid values, so that rows with one bad cell (the interesting ones) come up often.
        "kk": st.sampled_from(["3578010101090001"] * 6 + ["357801010109000", "3578 010101090001", ""]),
        "head_name": st.sampled_from(["Siti Aminah"] * 4 + ["  Budi   Santoso ", "", "A" * 130]),
        "desa_code": st.sampled_from(["35.78.01.1001"] * 5 + ["3578011001", "35.07.01.2001", "99.99.99.9999", ""]),
        "rt": cells,
        "rw": cells,
        "household_size": cells,
        "monthly_income": cells,
        "welfare_decile": cells,
        "status": st.sampled_from(["", "aktif", "active", "pindah", "hilang"]),
    }
)


def _raw(regions, draw):
    raw = {k: v for k, v in draw.items() if k not in ("serial", "kk")}
    raw["nik"] = nik_for(regions["35.78.01.1001"], draw["serial"])
    raw["kk_number"] = draw["kk"]
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draw=rows)
def test_fast_and_careful_paths_agree(regions, surabaya_officer, draw):
    raw = _raw(regions, draw)
    ctx = Context(actor=surabaya_officer, on_existing="skip", today=TODAY)
    try:
        careful = KIND.careful(raw, ctx=ctx)
    except RowInvalid:
        careful = None
    try:
        result = KIND.clean(raw, ctx=ctx)
    except RowInvalid:
        result = None
    assert result == careful


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draw=rows)
def test_the_import_accepts_what_the_family_form_accepts(regions, surabaya_officer, draw):
    raw = _raw(regions, draw)
    ctx = Context(actor=surabaya_officer, on_existing="skip", today=TODAY)
    try:
        row = KIND.clean(raw, ctx=ctx)
    except RowInvalid:
        row = None
    # As the family form hands them to the service: text fields stripped (Django's CharField strips).
    data = {k: raw[k].strip() for k in ("head_name", "address", "rt", "rw", "status") if k in raw}
    data.update(kk_number=raw["kk_number"], monthly_income=raw["monthly_income"] or 0)
    data["status"] = {"": "active", "aktif": "active", "pindah": "moved"}.get(raw["status"], raw["status"])
    data["household_size"] = (
        int(raw["household_size"]) if raw["household_size"].isdigit() else raw["household_size"] or 1
    )
    decile = raw["welfare_decile"]
    data["welfare_decile"] = int(decile) if decile.isdigit() else (decile or None)
    data["decile_as_of"] = TODAY if data["welfare_decile"] is not None else None
    try:
        with transaction.atomic():
            # The import also takes a village code as plain digits (3578011001); the form takes it dotted.
            family_create(actor=surabaya_officer, nik=raw["nik"], desa_code=dotted(raw["desa_code"]), **data)
            transaction.set_rollback(True)
        accepted = True
    except (ValidationError, ValueError, TypeError):
        accepted = False
    assert (row is not None) == accepted, repr(raw)
