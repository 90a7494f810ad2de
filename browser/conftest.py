"""End-to-end browser tests: Playwright driving Debian's Chromium against a production-like server.

Once per session: a fresh data folder, `pendamping demo --no-serve` (migrations, regions, demo data, the five
demo logins, collectstatic), then waitress serving it with DEBUG off (whitenoise serves the collected static
files, as in production) and a task worker (`db_worker`) for the queued jobs (analyses, imports).

Every test gets pages logged in as a role (`login("officer")`, or the fixtures `officer`, `admin`, …). Each page
fails its test when a JavaScript dialog opens (an injected script ran), when the page throws, or when it asks
for anything outside the test server (offices run on intranets: no CDN, no fonts, no analytics).
`shot(page, "step")` saves test-results/<test>/<nn>-<step>.png; with GUIDE_SCREENSHOTS=<folder> a step named
with `guide="name"` is also written there as name.png (scripts/guide_screenshots regenerates the user guide's
pictures that way).

Runs on its own (`scripts/browser_tests`); it lives outside the package so the unit suite never collects it.
Knobs: BROWSER_CHROMIUM (default /usr/bin/chromium), BROWSER_FAMILIES (demo size, default 300),
BROWSER_KEEP=1 keeps the data folder and the server log.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-results"
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORDS = {
    "admin": "demo-admin-2026",
    "officer": "demo-officer-2026",
    "companion": "demo-companion-2026",
    "evaluator": "demo-evaluator-2026",
    "auditor": "demo-auditor-2026",
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
TIMEOUT_MS = 15_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class Server:
    url: str
    data: Path
    log: Path
    env: dict[str, str]

    def errors_since(self, offset: int) -> str:
        text = self.log.read_text(errors="replace")[offset:]
        return text if re.search(r"Internal Server Error", text) else ""

    def log_size(self) -> int:
        return len(self.log.read_text(errors="replace"))


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    data = Path(tempfile.mkdtemp(prefix="browser_tests."))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PENDAMPING_DEBUG")}
    env |= {
        "PENDAMPING_DATA": str(data),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PENDAMPING_DEBUG": "0",  # production-like: manifest static files, no debug pages
        "PENDAMPING_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    pendamping = str(BIN / "pendamping")
    families = os.environ.get("BROWSER_FAMILIES", "300")
    demo = subprocess.run(
        [pendamping, "demo", "--no-serve", "--families", families], env=env, capture_output=True, text=True
    )
    if demo.returncode:
        pytest.exit(f"pendamping demo failed:\n{demo.stdout}\n{demo.stderr}", returncode=1)
    # `demo` collects the static files itself; once more costs a second and keeps this fixture honest if it stops.
    subprocess.run([pendamping, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    port = _free_port()
    log = data / "server.log"
    with log.open("w") as out:
        web = subprocess.Popen(
            [str(BIN / "waitress-serve"), f"--listen=127.0.0.1:{port}", "--threads=8", "config.wsgi:application"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        worker = subprocess.Popen(
            [pendamping, "db_worker", "--no-reload"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if web.poll() is not None or _answers(url + "/accounts/login/"):
                break
            time.sleep(0.25)
        if not _answers(url + "/accounts/login/"):
            pytest.exit(f"the test server did not start:\n{log.read_text()}", returncode=1)
        yield Server(url=url, data=data, log=log, env=env)
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if os.environ.get("BROWSER_KEEP") == "1":
            print(f"\nbrowser tests: kept {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: apt-get install chromium", returncode=1)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_server_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails when the server logged a 500 while it ran."""
    if "server" not in request.fixturenames:
        yield
        return
    srv: Server = request.getfixturevalue("server")
    offset = srv.log_size()
    yield
    if errors := srv.errors_since(offset):
        pytest.fail(f"the server logged errors during the test:\n{errors[-4000:]}")


@dataclass
class Guard:
    """What a page must never do: open a dialog, throw, or reach past 127.0.0.1."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def check(self) -> None:
        problems = []
        if self.dialogs:
            problems.append(f"JavaScript dialogs opened (injected script ran?): {self.dialogs}")
        if self.page_errors:
            problems.append(f"JavaScript errors: {self.page_errors}")
        if self.outside:
            problems.append(f"requests left 127.0.0.1: {self.outside}")
        assert not problems, "\n".join(problems)


class Shots:
    """test-results/<test>/<nn>-<step>.png, plus GUIDE_SCREENSHOTS/<guide>.png for the guide's steps."""

    def __init__(self, name: str) -> None:
        self.folder = RESULTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.n = 0
        guide = os.environ.get("GUIDE_SCREENSHOTS")
        self.guide = (ROOT / guide) if guide else None

    def __call__(self, page: Any, step: str, *, guide: str | None = None, full_page: bool = False) -> None:
        self.n += 1
        page.screenshot(path=str(self.folder / f"{self.n:02d}-{step}.png"), full_page=full_page)
        if guide and self.guide:
            self.guide.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.guide / f"{guide}.png"), full_page=full_page)


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """new_page(phone=False): a fresh, signed-out page (own cookies) under the guard; checked at teardown."""
    contexts: list[tuple[Any, Guard]] = []

    def make(*, phone: bool = False) -> Any:
        guard = Guard()
        context = browser.new_context(
            **(PHONE if phone else DESKTOP), base_url=server.url, locale="id-ID", accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        local = server.url + "/"

        def refuse(route: Any) -> None:
            guard.outside.append(route.request.url)
            route.abort()

        context.route(lambda url: not (url.startswith(local) or url.startswith(("data:", "blob:"))), refuse)

        def on_dialog(dialog: Any) -> None:
            guard.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        context.on("dialog", on_dialog)
        page = context.new_page()
        page.on("pageerror", lambda exc: guard.page_errors.append(str(exc)))
        contexts.append((context, guard))
        return page

    yield make
    for context, _guard in contexts:
        context.close()
    for _context, guard in contexts:
        guard.check()


def sign_in(page: Any, role: str, password: str | None = None) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", password or PASSWORDS[role])
    # Enter in the password field: the page's first submit button is the language switch.
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, f"{role} could not sign in"


@pytest.fixture
def login(new_page: Callable[..., Any]) -> Callable[..., Any]:
    """login("officer", phone=False): a page signed in as that demo user, on the home page."""

    def make(role: str, *, phone: bool = False) -> Any:
        page = new_page(phone=phone)
        sign_in(page, role)
        return page

    return make


@pytest.fixture
def admin(login: Callable[..., Any]) -> Any:
    return login("admin")


@pytest.fixture
def officer(login: Callable[..., Any]) -> Any:
    return login("officer")


@pytest.fixture
def companion_phone(login: Callable[..., Any]) -> Any:
    return login("companion", phone=True)


@pytest.fixture
def evaluator(login: Callable[..., Any]) -> Any:
    return login("evaluator")


@pytest.fixture
def auditor(login: Callable[..., Any]) -> Any:
    return login("auditor")
