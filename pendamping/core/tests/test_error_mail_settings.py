"""Error mails go where the environment says (PENDAMPING_ADMINS), and to nobody when it says nothing."""

import pytest

from config import settings as project_settings


def test_admins_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PENDAMPING_ADMINS", "Ani Rahma <ani@dinsos.example>, ops@dinsos.example, bukan-alamat")
    assert project_settings._admins() == [("Ani Rahma", "ani@dinsos.example"), ("", "ops@dinsos.example")]


def test_no_admins_means_no_error_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PENDAMPING_ADMINS", raising=False)
    assert project_settings._admins() == []
