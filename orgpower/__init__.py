"""orgpower: tells the truth about power in an organisation.

Reporting lines, resource flows and decision rights become one typed graph; measures of
asymmetry, direction and concentration separate *power-over* structures (one-way,
layered, concentrated) from *mutual* ones (returned, circulating, shared).

>>> import orgpower
>>> model = orgpower.read_org("sample_orgs/northwind_command")        # doctest: +SKIP
>>> result = orgpower.audit(model, config=orgpower.AuditConfig(group_attributes=("gender",)))  # doctest: +SKIP

The library API (:mod:`orgpower.api`): :func:`read_org`, :func:`audit`,
:func:`write_reports`, :func:`generate_org`, :func:`load_to_neo4j`, :func:`read_snapshot`,
:func:`build_graph`; the types they take and give: :class:`OrgModel`, :class:`Problem`,
:class:`InputFile`, :class:`AuditConfig`, :class:`Thresholds`, :class:`AuditResult`;
the errors: :class:`OrgpowerError` (:class:`InputError`, :class:`UsageError`,
:class:`DatabaseError`) and :class:`OrgpowerWarning`.
"""

__version__ = "0.1.0"

from typing import Any

# Every name is imported when first asked for (PEP 562): `import orgpower` and
# `orgpower --help` then cost milliseconds instead of the ~0.9 s of pandas, scipy and the
# measures that `orgpower.api` pulls in; `from orgpower import audit` works as before.
_LAZY = {
    "audit": "orgpower.api", "build_graph": "orgpower.api", "generate_org": "orgpower.api",
    "load_to_neo4j": "orgpower.api", "read_org": "orgpower.api", "read_snapshot": "orgpower.api",
    "write_reports": "orgpower.api",
    "DatabaseError": "orgpower.errors", "InputError": "orgpower.errors", "OrgpowerError": "orgpower.errors",
    "OrgpowerWarning": "orgpower.errors", "UsageError": "orgpower.errors",
    "InputFile": "orgpower.model", "OrgModel": "orgpower.model", "Problem": "orgpower.model",
    "AuditConfig": "orgpower.report.config", "Thresholds": "orgpower.report.config",
    "AuditResult": "orgpower.report.audit",
}

__all__ = [
    "__version__", "audit", "build_graph", "generate_org", "load_to_neo4j", "read_org", "read_snapshot",
    "write_reports", "OrgModel", "Problem", "InputFile", "AuditConfig", "Thresholds", "AuditResult",
    "OrgpowerError", "InputError", "UsageError", "DatabaseError", "OrgpowerWarning",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'orgpower' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # asked once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
