"""Every role signs in, lands on its home page, and is refused a page outside its role."""

from typing import Any

import pytest

# role -> (a page the role may not open, a text only its home page shows)
REFUSED = {
    "officer": "/companions/internship/new/",  # the province runs internships
    "companion": "/registry/families/new/",  # companions do not register families
    "evaluator": "/registry/families/",  # evaluators see pseudonymised study data only
    "auditor": "/registry/families/new/",  # read-only
}


@pytest.mark.parametrize("role", ["admin", "officer", "companion", "evaluator", "auditor"])
def test_each_role_signs_in_and_is_kept_to_its_pages(role: str, login: Any, new_page: Any, shot: Any) -> None:
    page = login(role)
    assert page.url.endswith("/")
    assert page.locator("main h1").inner_text().startswith("Selamat datang")
    assert page.locator("nav .nav-tools summary").inner_text().strip() == role
    shot(page, "home", guide=f"beranda-{role}")
    if role in ("admin", "officer", "auditor"):
        page.goto("/dashboards/")
        assert page.locator("main h1").count()
        shot(page, "dashboard", guide=f"dasbor-{role}" if role == "admin" else None)

    if role == "admin":
        # The province's admin may open every page; a signed-out visitor is sent to the sign-in page instead.
        anonymous = new_page()
        anonymous.goto("/registry/families/")
        assert "/accounts/login/" in anonymous.url
        shot(anonymous, "signed-out-sent-to-login", guide="masuk")
        return
    response = page.goto(REFUSED[role])
    assert response is not None and response.status == 403
    assert page.locator("main h1").inner_text() == "Tidak diizinkan"
    shot(page, "refused")
