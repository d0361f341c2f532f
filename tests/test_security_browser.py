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
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright
from test_e2e_browser import CHROMIUM_ARGS, dashboard, free_port, orgpower_command, settle, show_names, wait_healthy  # noqa: F401 - dashboard is a fixture

from orgpower.dashboard.app import SECTIONS
from orgpower.dashboard.auth import hash_password

PATHS = ["", *(url for pages in SECTIONS.values() for _module, _title, _icon, url in pages), "no_such_page"]
USERS = {"ana": "open sesame ana", "bo": "open sesame bo"}
TIMEOUT_MS = 60_000
# A tiny org: quick to audit, with a name to look for after logout.
PEOPLE_CSV = b"person_id,name,manager_id,unit\nP1,Ada Firstuser,,HQ\nP2,Ben Firstuser,P1,HQ\nP3,Cy Firstuser,P1,HQ\n"


def serve(tmp_path: Path, **settings: str):
    """`orgpower dashboard` with a password file; its temporary files go to tmp_path/tmp."""
    users = tmp_path / "users.toml"
    users.write_text("".join(f'[users.{u}]\npassword = "{hash_password(p)}"\n' for u, p in USERS.items()))
    audit_settings = tmp_path / "audit.toml"
    audit_settings.write_text("null_samples = 0\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    env = dict(
        os.environ, HOME=str(tmp_path), TMPDIR=str(temp), ORGPOWER_USERS_FILE=str(users),
        ORGPOWER_AUDIT_CONFIG=str(audit_settings), ORGPOWER_MAX_UPLOAD_MB="5", **settings,
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
def guarded_dashboard(tmp_path):
    yield from serve(tmp_path)


@pytest.fixture()
def quickly_forgetting_dashboard(tmp_path):
    """Files of a closed tab kept 3 s instead of 150 s."""
    yield from serve(tmp_path, ORGPOWER_SESSION_GRACE_SECONDS="3")


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


@pytest.mark.browser
def test_a_closed_tabs_uploads_are_removed_from_the_temporary_folder(quickly_forgetting_dashboard, browser):
    url, temp = quickly_forgetting_dashboard
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    log_in(page, "ana")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE_CSV}]
    )
    expect(page.get_by_text("Validation problems")).to_be_visible(timeout=TIMEOUT_MS)
    uploaded = list(temp.rglob("people.csv"))
    assert uploaded
    context.close()  # the tab is gone; Streamlit keeps its session for a while, then drops it
    deadline = time.monotonic() + 90
    while any(p.exists() for p in uploaded) and time.monotonic() < deadline:
        time.sleep(1)
    assert not any(p.exists() for p in uploaded), "a closed tab's upload is still on disk"


# --- text from data is shown as text ---------------------------------------------------

LINK = "[Session expired: log in again](https://evil.example/login)"
IMAGE = "![logo](https://evil.example/pixel.png)"
COLOUR = ":red[Board] $x^2$"
HOSTILE_PEOPLE = (
    "person_id,name,title,manager_id,unit\n"
    f'P1,"{LINK}","{IMAGE}",,"{COLOUR}"\n'
    'P2,"https://evil.example/auto www.evil.example a@evil.example","<img src=https://evil.example/i.png>",P1,"' + COLOUR + '"\n'
    'P3,"**Bold** :material/lock: $$\\frac{1}{2}$$","# Heading",P1,"' + COLOUR + '"\n'
    'P4,Dee,Clerk,P2,"[Ops](https://evil.example/ops)"\n'
    'P5,Eve,Clerk,P2,"[Ops](https://evil.example/ops)"\n'
    'P6,Fay,Clerk,P3,"[Ops](https://evil.example/ops)"\n'
).encode()
HOSTILE_FILE_NAME = "[Report](https:evil.example) $x$ people.csv"


def assert_data_shown_as_text(page, origin: str, where: str) -> None:
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    foreign = [href for href in links if not href.startswith(origin)]
    assert foreign == [], f"{where}: links from data: {foreign[:5]}"
    images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
    assert [src for src in images if not src.startswith((origin, "data:", "blob:"))] == [], f"{where}: remote images"
    assert page.locator(".katex").count() == 0, f"{where}: LaTeX from data"


@pytest.mark.browser
@pytest.mark.slow  # ~40 s: every page of an org whose names, units and titles are Markdown
def test_names_units_titles_and_file_names_are_shown_as_text_on_every_page(dashboard, browser):
    from test_e2e_browser import PAGES

    origin = dashboard
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((origin, "data:", "blob:")) else None)
    page.goto(origin)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": HOSTILE_FILE_NAME, "mimeType": "text/csv", "buffer": HOSTILE_PEOPLE}]
    )
    expect(page.get_by_text("Validation problems")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    show_names(page)  # the hostile names are shown only with names switched on
    assert_data_shown_as_text(page, origin, "Upload")
    body = page.locator("body").inner_text().replace("\u2060", "")
    assert HOSTILE_FILE_NAME in body  # the file name, literally
    for title, heading, _shot in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
        settle(page)
        if title == "Org":
            page.get_by_role("textbox", name="Find a person (name, title or id)").fill("P1")
            page.keyboard.press("Enter")
            settle(page)
            assert LINK in page.locator("body").inner_text().replace("\u2060", ""), "the name is not shown literally"
            assert COLOUR in page.locator("body").inner_text().replace("\u2060", ""), "the unit is not shown literally"
        assert_data_shown_as_text(page, origin, title)
    assert outside == [], f"requests left the dashboard's origin: {outside[:5]}"


@pytest.mark.browser
@pytest.mark.neo4j
def test_a_snapshot_name_cannot_show_users_a_fake_link(neo4j_uri, browser, tmp_path, monkeypatch):
    from orgpower import api
    from orgpower.graph.neo4j_store import Neo4jStore

    name = f"{LINK} {os.urandom(3).hex()}"
    with Neo4jStore.connect(neo4j_uri) as store:
        store.load(api.generate_org(30, "mixed", seed=4), snapshot=name)
    try:
        monkeypatch.setenv("NEO4J_URI", neo4j_uri)
        server = serve(tmp_path)
        url, _temp = next(server)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        log_in(page, "ana")
        page.get_by_role("radio", name="Neo4j snapshot").click()  # the segmented control's options
        settle(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Snapshot").click()
        page.get_by_role("option", name=name, exact=True).click()
        page.get_by_role("button", name="Load snapshot").click()
        settle(page)
        expect(page.get_by_text("Validation problems")).to_be_visible(timeout=TIMEOUT_MS)
        assert_data_shown_as_text(page, url, "Upload, snapshot loaded")
        assert name in page.locator("body").inner_text().replace("\u2060", "")
        server.close()
    finally:
        with Neo4jStore.connect(neo4j_uri) as store:
            store.delete_snapshot(name)
