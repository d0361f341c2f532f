"""The login gate: one gate for every page, equal work for unknown users, guessing limited
per user name and per client address across every session of the server, and a logout
that forgets the session's data. (The same probes in a real browser:
tests/test_security_browser.py.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import orgpower.dashboard
from orgpower.dashboard import auth

APP = Path(orgpower.dashboard.__file__).parent / "app.py"
PASSWORD = "open sesame"


@pytest.fixture()
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_text(
        f'[users.ana]\npassword = "{auth.hash_password(PASSWORD)}"\n'
        f'[users.bo]\npassword = "{auth.hash_password(PASSWORD)}"\n'
    )
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(path))
    return path


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    """Each test its own process-wide throttle, and no 1 s wait per failure."""
    throttle = auth.LoginThrottle()
    monkeypatch.setattr(auth, "THROTTLE", throttle)
    monkeypatch.setattr(auth, "FAILURE_DELAY_SECONDS", 0.0)
    return throttle


def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def attempt(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="auth_user").set_value(user)
    at.text_input(key="auth_password").set_value(password)
    return at.get("form_submit_button")[0].click().run()


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


# --- one gate --------------------------------------------------------------------------


def test_no_pages_folder_beside_the_app_for_streamlit_to_run_without_the_gate():
    assert not (APP.parent / "pages").exists()


def test_before_login_only_the_login_page_is_registered(users_file):
    at = app()
    assert not at.exception
    assert [t.value for t in at.title] == ["orgpower: log in"]
    assert not at.file_uploader and not at.sidebar.button
    with pytest.raises(ValueError):  # the page modules are not pages of this session
        at.switch_page("views_pages/org.py")


def test_an_unreadable_password_file_lets_nobody_in(tmp_path, monkeypatch):
    broken = tmp_path / "users.toml"
    broken.write_text("[users\n")
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(broken))
    at = app()
    assert "not valid TOML" in errors(at)
    assert not at.file_uploader and not at.text_input


def test_a_user_removed_from_the_password_file_is_let_out_at_the_next_step(users_file):
    at = attempt(app(), "ana", PASSWORD)
    assert at.file_uploader
    users_file.write_text(f'[users.bo]\npassword = "{auth.hash_password(PASSWORD)}"\n')
    at.run()
    assert not at.file_uploader
    assert [t.value for t in at.title] == ["orgpower: log in"]


# --- logout ----------------------------------------------------------------------------


def test_logout_then_another_login_in_the_same_tab_starts_from_an_empty_session(users_file):
    at = attempt(app(), "ana", PASSWORD)
    at.file_uploader(key="upload_files").set_value(("people.csv", b"person_id,name\nP1,Ada First\n", "text/csv")).run()
    workdir = Path(at.session_state["orgpower_workdir"].name)
    assert at.session_state["orgpower_org"] is not None and workdir.is_dir()

    at.sidebar.button(key="auth_logout").click().run()
    assert not workdir.exists(), "the session's uploaded files outlive the logout"
    assert "orgpower_org" not in at.session_state
    at = attempt(at, "bo", PASSWORD)
    assert "orgpower_org" not in at.session_state
    assert not any("Ada First" in str(m.value) for m in at.markdown)


# --- equal work for unknown users ------------------------------------------------------


def scrypt_calls(monkeypatch, users, user, password) -> list[tuple]:
    calls: list[tuple] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append((kwargs.get("n"), kwargs.get("r"), kwargs.get("p"), kwargs.get("dklen")))
        return real(*args, **kwargs)

    auth.check_login(users, "warm-up", "x")  # the stand-in hash is made once per process
    monkeypatch.setattr(hashlib, "scrypt", counting)
    auth.check_login(users, user, password)
    monkeypatch.setattr(hashlib, "scrypt", real)
    return calls


def test_an_unknown_user_costs_exactly_the_scrypt_of_a_wrong_password(monkeypatch):
    users = {"ana": auth.hash_password(PASSWORD)}
    unknown = scrypt_calls(monkeypatch, users, "nobody", "guess")
    wrong = scrypt_calls(monkeypatch, users, "ana", "guess")
    assert unknown == wrong and len(wrong) == 1


# --- limits on guessing ----------------------------------------------------------------


def test_guessing_one_user_is_refused_after_the_limit_even_with_the_right_password(users_file):
    at = app()
    for _ in range(auth.MAX_FAILURES_PER_USER):
        attempt(at, "ana", "guess")
        assert "wrong password" in errors(at)
    attempt(at, "ana", PASSWORD)
    assert "Too many failed logins" in errors(at)
    assert not at.file_uploader


def test_the_user_limit_holds_across_browser_sessions(users_file):
    sessions = [app() for _ in range(auth.MAX_FAILURES_PER_USER)]
    for at in sessions:  # one guess per session, as parallel tabs would
        attempt(at, "ana", "guess")
    fresh = attempt(app(), "ana", PASSWORD)
    assert "Too many failed logins" in errors(fresh)


def test_unknown_user_names_are_limited_like_known_ones(users_file):
    at = app()
    for _ in range(auth.MAX_FAILURES_PER_USER):
        attempt(at, "nobody", "guess")
    attempt(at, "nobody", "guess")
    assert "Too many failed logins" in errors(at)


def test_spraying_many_user_names_from_one_address_is_limited(users_file):
    at = app()
    for i in range(auth.MAX_FAILURES_PER_ADDRESS):
        attempt(at, f"name{i}", "guess")
    attempt(at, "bo", PASSWORD)
    assert "Too many failed logins" in errors(at)


def test_the_limit_lifts_when_the_failures_leave_the_window():
    now = [0.0]
    throttle = auth.LoginThrottle(per_user=2, per_address=100, window=60, clock=lambda: now[0])
    throttle.failed("ana", "10.0.0.1")
    now[0] = 30
    throttle.failed("ana", "10.0.0.2")
    assert throttle.wait_seconds("ana", "10.0.0.3") == pytest.approx(30)
    now[0] = 61  # the first failure has left the window
    assert throttle.wait_seconds("ana", "10.0.0.3") == 0
    assert throttle.wait_seconds("ANA ", "10.0.0.3") == 0  # one key however the name is typed


def test_a_correct_login_clears_the_user_count_but_not_the_address_count():
    throttle = auth.LoginThrottle(per_user=2, per_address=3, window=60)
    throttle.failed("ana", "10.0.0.1")
    throttle.failed("ana", "10.0.0.1")
    throttle.succeeded("ana")
    assert throttle.wait_seconds("ana", "10.0.0.9") == 0
    throttle.failed("bo", "10.0.0.1")
    assert throttle.wait_seconds("cy", "10.0.0.1") > 0


def test_the_throttle_memory_is_bounded_under_a_spray_of_names():
    throttle = auth.LoginThrottle(per_user=5, per_address=10**9, window=3600, max_keys=100)
    for i in range(1_000):
        throttle.failed(f"name{i}", "10.0.0.1")
    assert len(throttle._failures) <= 100


def test_with_openid_connect_every_page_waits_behind_the_same_gate(monkeypatch):
    monkeypatch.delenv(auth.USERS_FILE_ENV, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["orgpower: log in"]
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.file_uploader
    with pytest.raises(ValueError):
        at.switch_page("views_pages/upload.py")


@pytest.mark.parametrize("module", ["upload", "org", "overview", "report"])
def test_a_page_module_run_on_its_own_shows_nothing_of_the_app(module, users_file):
    at = AppTest.from_file(str(APP.parent / "views_pages" / f"{module}.py"), default_timeout=60).run()
    assert any("runs only inside the orgpower dashboard" in e.value for e in at.error)
    assert not at.file_uploader and not at.dataframe and not at.selectbox
