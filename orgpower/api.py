"""The one library API. The command line and the dashboard are thin shells over it:
anything they show, a Python user gets with one call here.

>>> import orgpower
>>> model = orgpower.read_org(["sample_orgs/acme_command"])        # doctest: +SKIP
>>> result = orgpower.audit(model)                                # doctest: +SKIP
>>> result.document["classification"]["org"]["label"]             # doctest: +SKIP
'power-over'
>>> orgpower.write_reports(result, "out", formats=("json", "html"))  # doctest: +SKIP

Data flow: ``ingest`` (files -> :class:`OrgModel`) -> ``graph`` (model -> layers, in
process or in Neo4j) -> ``metrics`` (layers -> numbers) -> ``report`` (numbers ->
readings, findings, documents).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgpower.model import OrgModel

if TYPE_CHECKING:  # imported lazily so that `orgpower validate` starts fast
    from orgpower.graph.layers import OrgGraph
    from orgpower.report.audit import AuditConfig, AuditResult

PathLike = str | Path


def read_org(paths: Iterable[PathLike], *, mapping: PathLike | dict[str, Any] | None = None) -> OrgModel:
    """Read and validate an input bundle (a folder, or any list of files) into an :class:`OrgModel`.

    Never raises on bad rows: every problem is a :class:`~orgpower.model.Problem` in
    ``model.problems``. Raises :class:`~orgpower.errors.InputError` only when nothing
    usable was given (no readable file, no people).
    """
    from orgpower.ingest.bundle import read_bundle

    return read_bundle([Path(p) for p in paths], mapping=mapping)


def build_graph(model: OrgModel) -> "OrgGraph":
    """The in-process graph (one sparse digraph per layer) of a validated org."""
    from orgpower.graph.layers import build_graph as _build

    return _build(model)


def audit(
    source: OrgModel | Iterable[PathLike],
    *,
    config: "AuditConfig | None" = None,
    compare: OrgModel | Iterable[PathLike] | None = None,
    neo4j_uri: str | None = None,
    snapshot: str | None = None,
    compare_snapshot: str | None = None,
) -> "AuditResult":
    """Run the full audit: measures, readings on the three axes, findings, representation.

    ``source`` is an :class:`OrgModel` or input paths; with ``neo4j_uri`` and
    ``snapshot`` the org is read back from Neo4j instead. ``compare`` (or
    ``compare_snapshot``) adds the change since an older snapshot.
    """
    from orgpower.report.audit import run_audit

    return run_audit(
        source, config=config, compare=compare, neo4j_uri=neo4j_uri,
        snapshot=snapshot, compare_snapshot=compare_snapshot,
    )


def write_reports(result: "AuditResult", out_dir: PathLike, formats: Sequence[str] = ("json", "html")) -> dict[str, Path]:
    """Write ``audit.json`` (always), ``people.csv`` (always) and the other formats asked for
    (``html``, ``pdf``, ``xlsx``) into ``out_dir``; returns format -> path."""
    from orgpower.report.writers import write_reports as _write

    return _write(result, Path(out_dir), tuple(formats))


def generate_org(people: int, archetype: str = "mixed", *, seed: int = 0) -> OrgModel:
    """A synthetic org of ``people`` people of archetype ``power-over``, ``mutual`` or ``mixed``."""
    from orgpower.ingest.synthetic import generate_org as _generate

    return _generate(people, archetype, seed=seed)


def load_to_neo4j(
    model: OrgModel, uri: str, *, snapshot: str = "default", user: str | None = None, password: str | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Write a validated org into Neo4j as snapshot ``snapshot``; returns counts written.

    ``progress(step, rows, seconds)`` hears of each write step as it ends (counts only).
    """
    from orgpower.graph.neo4j_store import Neo4jStore

    with Neo4jStore.connect(uri, user=user, password=password) as store:
        return store.load(model, snapshot=snapshot, progress=progress)
