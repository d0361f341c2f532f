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

from orgpower.api import (  # noqa: E402
    audit, build_graph, generate_org, load_to_neo4j, read_org, read_snapshot, write_reports,
)
from orgpower.errors import DatabaseError, InputError, OrgpowerError, OrgpowerWarning, UsageError  # noqa: E402
from orgpower.model import InputFile, OrgModel, Problem  # noqa: E402
from orgpower.report.config import AuditConfig, Thresholds  # noqa: E402

__all__ = [
    "__version__", "audit", "build_graph", "generate_org", "load_to_neo4j", "read_org", "read_snapshot",
    "write_reports", "OrgModel", "Problem", "InputFile", "AuditConfig", "Thresholds", "AuditResult",
    "OrgpowerError", "InputError", "UsageError", "DatabaseError", "OrgpowerWarning",
]


def __getattr__(name: str) -> Any:
    # AuditResult pulls in the graph and report modules: imported when first asked for,
    # so that `orgpower validate` starts fast
    if name == "AuditResult":
        from orgpower.report.audit import AuditResult

        return AuditResult
    raise AttributeError(f"module 'orgpower' has no attribute {name!r}")
