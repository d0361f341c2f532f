"""Security probes replayed in a real headless browser (Debian's Chromium, Playwright)
against `orgpower dashboard` in a subprocess with a password file.

- Every page path shows the login form and nothing else before login.
- Log out, log in as another user in the same tab: the first user's org is gone, and so
  are its uploaded files.
- No request leaves the dashboard's own origin (no icon or font from a CDN).
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright
from test_e2e_browser import CHROMIUM_ARGS, free_port, orgpower_command, settle, wait_healthy

from orgpower.dashboard.app import SECTIONS
from orgpower.dashboard.auth import hash_password

PATHS = ["", *(url for pages in SECTIONS.values() for _module, _title, _icon, url in pages), "no_such_page"]
USERS = {"ana": "open sesame ana", "bo": "open sesame bo"}
TIMEOUT_MS = 60_000
# A tiny org: quick to audit, with a name to look for after logout.
PEOPLE_CSV = b"person_id,name,manager_id,unit\nP1,Ada Firstuser,,HQ\nP2,Ben Firstuser,P1,HQ\nP3,Cy Firstuser,P1,HQ\n"


@pytest.fixture()
def guarded_dashboard(tmp_path):
    """The dashboard with a password file; its temporary files go to tmp_path/tmp."""
    users = tmp_path / "users.toml"
    users.write_text("".join(f'[users.{u}]\npassword = "{hash_password(p)}"\n' for u, p in USERS.items()))
    settings = tmp_path / "audit.toml"
    settings.write_text("null_samples = 0\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    env = dict(
        os.environ, HOME=str(tmp_path), TMPDIR=str(temp), ORGPOWER_USERS_FILE=str(users),
        ORGPOWER_AUDIT_CONFIG=str(settings), ORGPOWER_MAX_UPLOAD_MB="5",
    )
    server = subprocess.Popen(
        [*orgpower_command(), "dashboard", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        yield url, temp
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture()
def browser(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, user: str) -> None:
    page.get_by_role("textbox", name="User").fill(user)
    page.get_by_role("textbox", name="Password").fill(USERS[user])
    page.get_by_role("button", name="Log in").click()
    settle(page)


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.browser
def test_every_page_path_shows_only_the_login_form_before_login(guarded_dashboard, browser):
    url, _temp = guarded_dashboard
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    for path in PATHS:
        page.goto(f"{url}/{path}")
        expect(page.get_by_role("heading", name="orgpower: log in")).to_be_visible(timeout=TIMEOUT_MS)
        settle(page)
        where = f"/{path}"
        assert page.get_by_test_id("stSidebarNav").count() == 0, f"{where}: the page list is shown"
        assert page.get_by_test_id("stFileUploader").count() == 0, f"{where}: the uploader is shown"
        assert page.get_by_test_id("stTextInput").count() == 2, f"{where}: not the login form"
        text = main_text(page)
        for leak in ("Upload", "Overview", "Validation problems", "No org loaded", "Backend", "Neo4j"):
            assert leak not in text, f"{where}: {leak!r} is shown before login"


@pytest.mark.browser
def test_a_page_path_opens_its_page_after_login(guarded_dashboard, browser):
    url, _temp = guarded_dashboard
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/org")
    expect(page.get_by_role("heading", name="orgpower: log in")).to_be_visible(timeout=TIMEOUT_MS)
    log_in(page, "ana")
    expect(page.get_by_text("No org loaded yet")).to_be_visible(timeout=TIMEOUT_MS)
    assert urlsplit(page.url).path.endswith("/org")


@pytest.mark.browser
def test_logging_out_forgets_the_org_and_its_files_before_the_next_user(guarded_dashboard, browser, tmp_path):
    url, temp = guarded_dashboard
    outside: list[str] = []
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith((url, "data:", "blob:")) else None)
    page.goto(url)
    log_in(page, "ana")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE_CSV}]
    )
    expect(page.get_by_text("Validation problems")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    uploaded = [p for p in temp.rglob("people.csv")]
    assert uploaded, "the upload was not written to the session's folder"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="orgpower: log in")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    assert not any(p.exists() for p in uploaded), "the first user's upload is still on disk after logout"

    log_in(page, "bo")
    expect(page.get_by_role("heading", name="Upload")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    assert "Firstuser" not in page.locator("body").inner_text()
    assert "people.csv" not in page.locator("body").inner_text()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Org", exact=True).click()
    expect(page.get_by_text("No org loaded yet")).to_be_visible(timeout=TIMEOUT_MS)
    assert outside == [], f"requests left the dashboard's origin: {outside[:5]}"
