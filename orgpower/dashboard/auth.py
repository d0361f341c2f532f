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
import os
import secrets
import sys
import time
import tomllib
from pathlib import Path

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


def check_login(users: dict[str, str], user: str, password: str) -> bool:
    """Constant work whether or not the user exists, so timing does not reveal user names."""
    stored = users.get(user)
    if stored is None:
        verify_password(password, hash_password("", salt=b"\0" * 16))
        return False
    return verify_password(password, stored)


def _oidc_configured() -> bool:
    import streamlit as st

    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no or malformed secrets.toml: no OIDC
        return False


def gate() -> bool:
    """Show the login when one is configured; True when the page may be shown."""
    import streamlit as st

    if _oidc_configured():
        if st.user.is_logged_in:
            with st.sidebar:
                st.button("Log out", on_click=st.logout, key="auth_logout")
            return True
        st.title("orgpower")
        st.button("Log in", on_click=st.login, type="primary", key="auth_oidc_login")
        return False

    users_file = os.environ.get(USERS_FILE_ENV)
    if not users_file:
        return True
    if st.session_state.get(_USER_KEY):
        with st.sidebar:
            if st.button("Log out", key="auth_logout"):
                del st.session_state[_USER_KEY]
                st.rerun()
        return True
    try:
        users = load_users(users_file)
    except ValueError as error:
        st.error(str(error))
        return False
    st.title("orgpower: log in")
    with st.form("login"):
        user = st.text_input("User", key="auth_user")
        password = st.text_input("Password", type="password", key="auth_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        if check_login(users, user, password):
            st.session_state[_USER_KEY] = user
            st.rerun()
        time.sleep(1.0)  # slows password guessing
        st.error("Unknown user or wrong password.")
    return False


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
