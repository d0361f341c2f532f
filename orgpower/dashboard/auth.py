"""Optional login for the dashboard.

Two ways, both off by default (a dashboard bound to 127.0.0.1 is for its own user):

1. **Password file.** Set ``ORGPOWER_USERS_FILE`` to a TOML file of scrypt hashes::

       [users.alice]
       password = "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

   Make an entry with ``python -m orgpower.dashboard.auth alice`` (asks for the password,
   prints the TOML lines). Passwords are never stored, only ``hashlib.scrypt`` hashes with
   a random 16-byte salt; checking uses a constant-time comparison.
2. **OpenID Connect.** Put an ``[auth]`` section in ``.streamlit/secrets.toml`` (see
   Streamlit's ``st.login``); the dashboard then asks for the identity provider's login.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import math
import os
import secrets
import sys
import threading
import time
import tomllib
from pathlib import Path

from orgpower.dashboard.safe_text import plain

USERS_FILE_ENV = "ORGPOWER_USERS_FILE"
_USER_KEY = "orgpower_user"
# scrypt cost: n=2**14, r=8, p=1 is the interactive-login setting of the scrypt paper
# (~16 MB, ~50 ms); within OpenSSL's default 32 MB memory limit.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` for ``password`` (salt: 16 random bytes unless given).

    >>> stored = hash_password("correct horse")
    >>> verify_password("correct horse", stored), verify_password("wrong", stored)
    (True, False)
    """
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the ``scrypt$…`` hash ``stored``; False for a malformed hash."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(base64.b64decode(expected)), maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def load_users(path: str | Path) -> dict[str, str]:
    """user -> stored hash from the TOML password file; raises ValueError with one sentence."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValueError(f"The password file {path} named by {USERS_FILE_ENV} does not exist.") from error
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"The password file {path} is not valid TOML ({error}).") from error
    users = table.get("users", {})
    if not isinstance(users, dict) or not users:
        raise ValueError(f"The password file {path} has no [users.NAME] entries.")
    bad = sorted(name for name, entry in users.items() if not isinstance(entry, dict) or "password" not in entry)
    if bad:
        raise ValueError(f"The password file {path}: entry [users.{bad[0]}] has no password = \"scrypt$…\" line.")
    return {name: str(entry["password"]) for name, entry in users.items()}


# The stand-in hash an unknown user's password is checked against: made once, with the
# same parameters as real entries, so an unknown user costs one scrypt like a known one.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def check_login(users: dict[str, str], user: str, password: str) -> bool:
    """Equal work whether or not the user exists (one scrypt each), so timing does not
    reveal user names."""
    stored = users.get(user)
    if stored is None:
        verify_password(password, _dummy_hash())
        return False
    return verify_password(password, stored)


# --- limits on guessing ------------------------------------------------------------------

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USER = 5  # per user name, from anywhere
MAX_FAILURES_PER_ADDRESS = 20  # per client address, over all user names (an office behind one NAT)
FAILURE_DELAY_SECONDS = 1.0


class LoginThrottle:
    """Failed logins counted per user name and per client address over a sliding window,
    process-wide (every browser session of the server shares one throttle).

    A name or an address with too many recent failures is refused without checking the
    password until the oldest of those failures leaves the window. Unknown user names
    count like known ones, so refusals do not reveal which names exist.

    >>> clock = iter(range(100)).__next__
    >>> throttle = LoginThrottle(per_user=2, per_address=10, window=60, clock=clock)
    >>> throttle.failed("ann", "10.0.0.1"); throttle.failed("ann", "10.0.0.2")
    >>> throttle.wait_seconds("ann", "10.0.0.3") > 0, throttle.wait_seconds("bo", "10.0.0.3")
    (True, 0.0)
    """

    def __init__(
        self, *, per_user: int = MAX_FAILURES_PER_USER, per_address: int = MAX_FAILURES_PER_ADDRESS,
        window: float = WINDOW_SECONDS, clock=time.monotonic, max_keys: int = 100_000,
    ) -> None:
        self.per_user, self.per_address, self.window, self.clock, self.max_keys = per_user, per_address, window, clock, max_keys
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(user: str, address: str | None) -> list[tuple[str, str]]:
        return [("user", user.strip().casefold()[:200]), ("address", address or "local")]

    def _limit(self, kind: str) -> int:
        return self.per_user if kind == "user" else self.per_address

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, ()) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait_seconds(self, user: str, address: str | None) -> float:
        """0 when an attempt may be checked, else the seconds until it may."""
        with self._lock:
            now = self.clock()
            wait = 0.0
            for key in self._keys(user, address):
                times = self._recent(key, now)
                limit = self._limit(key[0])
                if len(times) >= limit:
                    wait = max(wait, times[-limit] + self.window - now)
            return wait

    def failed(self, user: str, address: str | None) -> None:
        with self._lock:
            now = self.clock()
            if len(self._failures) >= self.max_keys:  # bounded memory under a spray of names
                for key in list(self._failures):
                    self._recent(key, now)
                while len(self._failures) >= self.max_keys:
                    self._failures.pop(next(iter(self._failures)))
            for key in self._keys(user, address):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times[-self._limit(key[0]):]

    def succeeded(self, user: str) -> None:
        """A correct password clears the user's failures (not the address's)."""
        with self._lock:
            self._failures.pop(self._keys(user, None)[0], None)


THROTTLE = LoginThrottle()


# --- the gate --------------------------------------------------------------------------


def _oidc_configured() -> bool:
    import streamlit as st

    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no or malformed secrets.toml: no OIDC
        return False


def _oidc_identity() -> str:
    import streamlit as st

    return str(st.user.get("sub") or st.user.get("email") or "")


def _start_session(user: str) -> None:
    """A new login starts from an empty session: nothing of an earlier user stays."""
    import streamlit as st

    from orgpower.dashboard import state

    state.clear_session()
    st.session_state[_USER_KEY] = user


def log_out() -> None:
    """Forget the user and everything the session held (org, audits, uploaded files)."""
    from orgpower.dashboard import state

    state.clear_session()


def _oidc_log_out() -> None:
    import streamlit as st

    log_out()
    st.logout()


def gate() -> bool:
    """True when the session may see the app: no login is configured, or it is logged in.

    Draws nothing but the sidebar's **Log out** button; :func:`login_form` is the page
    every path shows otherwise. Fails closed: an unreadable password file lets nobody in.
    """
    import streamlit as st

    if _oidc_configured():
        if not st.user.get("is_logged_in", False):  # fails closed when absent
            return False
        identity = _oidc_identity()
        if st.session_state.get(_USER_KEY) != identity:  # a new login in this tab
            _start_session(identity)
        with st.sidebar:
            st.button("Log out", on_click=_oidc_log_out, key="auth_logout")
        return True

    users_file = os.environ.get(USERS_FILE_ENV)
    if not users_file:
        return True
    user = st.session_state.get(_USER_KEY)
    if not user:
        return False
    try:
        users = load_users(users_file)
    except ValueError:
        return False
    if user not in users:  # removed from the password file since logging in
        log_out()
        return False
    with st.sidebar:
        st.caption(f"Logged in as {plain(user)}")
        st.button("Log out", on_click=log_out, key="auth_logout")
    return True


def client_address() -> str | None:
    """The client's address as the server sees it (None for this machine)."""
    import streamlit as st

    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session
        return None
    return address if isinstance(address, str) else None  # AppTest gives a stand-in object


def login_form() -> None:
    """The only page before login: the identity provider's button or the password form."""
    import streamlit as st

    st.title("orgpower: log in")
    if _oidc_configured():
        st.button("Log in", on_click=st.login, type="primary", key="auth_oidc_login")
        return
    try:
        users = load_users(os.environ.get(USERS_FILE_ENV, ""))
    except ValueError as error:
        st.error(plain(error))
        return
    with st.form("login"):
        user = st.text_input("User", key="auth_user", max_chars=200)
        password = st.text_input("Password", type="password", key="auth_password", max_chars=1000)
        submitted = st.form_submit_button("Log in", type="primary")
    if not submitted:
        return
    address = client_address()
    wait = THROTTLE.wait_seconds(user, address)
    if wait > 0:
        time.sleep(FAILURE_DELAY_SECONDS)
        minutes = max(1, math.ceil(wait / 60))
        st.error(f"Too many failed logins for this user or from this address: try again in {minutes} minute(s).")
        return
    if check_login(users, user, password):
        THROTTLE.succeeded(user)
        _start_session(user)
        st.rerun()
    THROTTLE.failed(user, address)
    time.sleep(FAILURE_DELAY_SECONDS)  # slows guessing further
    st.error("Unknown user or wrong password.")


def main(argv: list[str] | None = None) -> int:
    """``python -m orgpower.dashboard.auth NAME``: print a password-file entry for NAME."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m orgpower.dashboard.auth USER_NAME", file=sys.stderr)
        return 2
    password = getpass.getpass(f"Password for {argv[0]}: ")
    if password != getpass.getpass("Again: "):
        print("The two passwords differ; nothing printed.", file=sys.stderr)
        return 1
    print(f'[users.{argv[0]}]\npassword = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
