"""orgpower: tells the truth about power in an organisation.

Reporting lines, resource flows and decision rights become one typed graph; measures of
asymmetry, direction and concentration separate *power-over* structures (one-way,
layered, concentrated) from *mutual* ones (returned, circulating, shared).
"""

__version__ = "0.1.0"

from orgpower.api import audit, build_graph, generate_org, load_to_neo4j, read_org, write_reports  # noqa: E402
from orgpower.model import InputFile, OrgModel, Problem  # noqa: E402

__all__ = [
    "__version__", "audit", "build_graph", "generate_org", "load_to_neo4j", "read_org",
    "write_reports", "OrgModel", "Problem", "InputFile",
]
