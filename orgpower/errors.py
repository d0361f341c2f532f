"""The product's own error types. Anything a user can cause ends in one of these,
carrying one plain sentence; the command line prints it and exits, never a traceback."""

from __future__ import annotations


class OrgpowerError(Exception):
    """Base of every error the product raises on purpose. ``exit_code`` is the CLI status."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(OrgpowerError):
    """The input cannot be used at all (unreadable, empty, no id column, ...)."""

    exit_code = 1


class UsageError(OrgpowerError):
    """The command was called wrongly (missing path, unknown format, bad option)."""

    exit_code = 2


class DatabaseError(OrgpowerError):
    """The database is unreachable, refuses the credentials, or is an unsupported version.

    The message names the URI, never the password."""

    exit_code = 3


class MissingDependency(OrgpowerError):
    """An optional part is not installed; the message names the extra that brings it."""

    exit_code = 1


def require(module: str, extra: str, what: str) -> None:
    """Raise :class:`MissingDependency` unless ``module`` can be imported.

    >>> require("json", "report", "JSON")   # present: nothing happens
    """
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise MissingDependency(f"{what} needs {module}, which is not installed: pip install 'orgpower[{extra}]'.")


class OrgpowerWarning(UserWarning):
    """Something the user should know that does not stop the work (a group attribute
    matched in another case, ...). The command line prints it as ``orgpower: warning: ...``."""
