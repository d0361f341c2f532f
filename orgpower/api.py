"""The one library API. The command line and the dashboard are thin shells over it:
anything they show, a Python user gets with one call here.

>>> import orgpower
>>> model = orgpower.read_org("sample_orgs/northwind_command")       # doctest: +SKIP
>>> result = orgpower.audit(model)                                  # doctest: +SKIP
>>> result.document["classification"]["org"]["label"]               # doctest: +SKIP
'power-over'
>>> orgpower.write_reports(result, "out", formats=("json", "html"))  # doctest: +SKIP

The pipeline is orchestrated here, top-down and in one place: ``ingest`` (files or
frames -> :class:`OrgModel`) -> ``graph`` (model -> layers, in process or read back from
Neo4j) -> ``metrics`` (layers -> numbers) -> ``report`` (numbers -> readings, findings,
documents). No lower part calls back up into this module.
"""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from orgpower.errors import InputError, OrgpowerWarning, UsageError, require
from orgpower.model import OrgModel

if TYPE_CHECKING:  # imported lazily so that `orgpower validate` starts fast
    import pandas as pd

    from orgpower.graph.layers import OrgGraph
    from orgpower.report.audit import AuditConfig, AuditResult

PathLike = str | Path
Source = PathLike | Iterable[PathLike]
"""A folder or file path (``str`` or :class:`~pathlib.Path`), or any list of them."""


class Progress(Protocol):
    """Hears of long work as it goes: ``stage`` (``read``, ``graph``, ``measure``,
    ``report``, ``compare``), ``done`` of ``total`` steps (``total`` None when unknown)
    and a short ``detail`` (counts and layer names only, never people data)."""

    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None: ...


def _silent(stage: str, done: int, total: int | None, detail: str = "") -> None:
    return None


def _as_paths(source: Source) -> list[Path]:
    # a str is a path, never a sequence of one-letter paths
    if isinstance(source, (str, Path)):
        return [Path(source)]
    if isinstance(source, OrgModel):
        raise UsageError("read_org was given an OrgModel, which is already read: pass it to audit() directly.")
    try:
        paths = [Path(p) for p in source]
    except TypeError:
        raise UsageError(
            f"Cannot read an org from a {type(source).__name__}: give a path (str or Path), a list of paths, "
            "or DataFrames as people=, flows=, decisions=, relations=."
        ) from None
    if not paths:
        raise UsageError("No input was given: pass a folder, a file or a list of files.")
    return paths


def read_org(
    source: Source | None = None,
    *,
    people: "pd.DataFrame | None" = None,
    flows: "pd.DataFrame | None" = None,
    decisions: "pd.DataFrame | None" = None,
    relations: "pd.DataFrame | None" = None,
    mapping: PathLike | dict[str, Any] | None = None,
    flat_org: bool = False,
) -> OrgModel:
    """Read and validate an org into an :class:`OrgModel`.

    ``source`` is a folder or a file (``str`` or :class:`~pathlib.Path`) or any list of
    them: a native bundle or an HR system's export, recognised by its headers. Tables
    already in pandas are given as ``people=``, ``flows=``, ``decisions=``,
    ``relations=`` instead (headers are recognised the same way; rows are numbered as a
    spreadsheet would, header = row 1). ``mapping`` overrides the detected columns.

    Never raises on bad rows: every problem is a :class:`~orgpower.model.Problem` in
    ``model.problems``. Raises :class:`~orgpower.errors.InputError` only when nothing
    usable was given (no readable file, no people), and
    :class:`~orgpower.errors.UsageError` when the call itself is wrong.

    When many people come out without a manager (a manager column missed, or none
    exported), the model carries a ``manager_column_unused`` / ``too_many_tops`` error
    and :func:`audit` refuses it; ``flat_org=True`` says the org really is flat.

    >>> model = read_org("sample_orgs/riverbank_coop")                 # doctest: +SKIP
    >>> model = read_org(people=pd.DataFrame({"person_id": ["a", "b"], "manager_id": [None, "a"]}))  # doctest: +SKIP
    """
    frames = {"people": people, "flows": flows, "decisions": decisions, "relations": relations}
    given = {kind: frame for kind, frame in frames.items() if frame is not None}
    if source is not None and given:
        raise UsageError("Give either paths or DataFrames (people=, flows=, ...), not both.")
    if given:
        from orgpower.ingest.bundle import read_frames

        return read_frames(given, mapping=mapping, flat_org=flat_org)
    if source is None:
        raise UsageError("No input was given: pass a folder, a file, a list of files, or people= as a DataFrame.")
    from orgpower.ingest.bundle import read_bundle

    return read_bundle(_as_paths(source), mapping=mapping, flat_org=flat_org)


def build_graph(model: OrgModel) -> "OrgGraph":
    """The in-process graph (one sparse digraph per layer) of a validated org."""
    from orgpower.graph.layers import build_graph as _build

    return _build(model)


def _neo4j_store() -> Any:
    require("neo4j", "neo4j", "Neo4j storage")
    from orgpower.graph.neo4j_store import Neo4jStore

    return Neo4jStore


def read_snapshot(uri: str, snapshot: str, *, user: str | None = None, password: str | None = None) -> OrgModel:
    """Read an org back from a Neo4j snapshot that :func:`load_to_neo4j` wrote."""
    with _neo4j_store().connect(uri, user=user, password=password) as store:
        return store.read_model(snapshot)


def list_snapshots(uri: str, *, user: str | None = None, password: str | None = None) -> list[str]:
    """The names of the snapshots kept in Neo4j."""
    with _neo4j_store().connect(uri, user=user, password=password) as store:
        return list(store.list_snapshots())


def delete_snapshot(uri: str, snapshot: str, *, user: str | None = None, password: str | None = None) -> None:
    """Delete one snapshot (and nothing else) from Neo4j."""
    with _neo4j_store().connect(uri, user=user, password=password) as store:
        store.delete_snapshot(snapshot)


def group_attribute_columns(model: OrgModel) -> list[str]:
    """The people columns representation can be audited by (attributes, unit, level, ...)."""
    not_attributes = {"person_id", "manager_id", "manager_name", "name", "source_file", "source_row"}
    return [str(c) for c in model.people.columns if str(c) not in not_attributes and not str(c).startswith("_")]


def resolve_group_attributes(model: OrgModel, attributes: Iterable[str]) -> tuple[str, ...]:
    """Each asked-for attribute as the people table spells it.

    An exact name is kept; a name that differs only in case (``gender`` for a header
    ``Gender``) is matched with an :class:`~orgpower.errors.OrgpowerWarning`; an unknown
    name raises :class:`~orgpower.errors.UsageError` that suggests the closest columns.
    """
    columns = group_attribute_columns(model)
    by_fold: dict[str, list[str]] = {}
    for column in columns:
        by_fold.setdefault(column.casefold(), []).append(column)
    resolved: list[str] = []
    for asked in attributes:
        if asked in columns:
            resolved.append(asked)
            continue
        same = by_fold.get(asked.casefold(), [])
        if len(same) == 1:
            warnings.warn(
                OrgpowerWarning(f"Group attribute {asked!r} matched the column {same[0]!r} (case differs)."), stacklevel=3
            )
            resolved.append(same[0])
            continue
        if len(same) > 1:
            raise UsageError(
                f"Group attribute {asked!r} matches several columns that differ only in case "
                f"({', '.join(map(repr, same))}): give the exact one."
            )
        close = difflib.get_close_matches(asked.casefold(), list(by_fold), n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(by_fold[c][0]) for c in close)}?" if close else ""
        listed = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
        raise UsageError(
            f"No column {asked!r} in the people table to audit representation by.{hint}"
            + (f" The people table has: {listed}." if columns else " The people table has no attribute columns.")
        )
    return tuple(dict.fromkeys(resolved))


def _check_usable(model: OrgModel, what: str) -> None:
    from orgpower.ingest.validate import GUARD_CODES

    guard = [p for p in model.errors if p.code in GUARD_CODES]
    if guard:  # an org read as flat by mistake would be audited with full confidence
        raise InputError(
            f"The {what} org is refused: {guard[0].message} If the org really is flat, read it with "
            f"flat_org=True (command line: --flat-org)."
        )
    if model.people is None or model.people.empty:
        problems = "; ".join(p.message for p in model.errors[:3])
        raise InputError(
            f"The {what} org has no usable people rows, so there is nothing to audit"
            + (f" ({problems})" if problems else "")
            + ". Run `orgpower validate` on the files and fix the problems it lists."
        )


def _model(
    source: OrgModel | Source | None, frames: dict[str, Any], mapping: Any, neo4j_uri: str | None,
    snapshot: str | None, what: str, progress: Progress, flat_org: bool = False,
) -> OrgModel:
    if isinstance(source, OrgModel):
        model = source
    elif neo4j_uri and snapshot and source is None and not any(f is not None for f in frames.values()):
        progress("read", 0, None, f"Neo4j snapshot {snapshot}")
        model = read_snapshot(neo4j_uri, snapshot)
    elif source is None and not any(f is not None for f in frames.values()):
        raise UsageError(f"No {what} org was given: pass input files or a folder, or --neo4j URI --snapshot NAME.")
    else:
        progress("read", 0, None, "")
        model = read_org(source, mapping=mapping, flat_org=flat_org, **frames)
    progress("read", 1, 1, f"{len(model.people):,} people, {len(model.errors):,} errors, {len(model.warnings):,} warnings")
    _check_usable(model, what)
    return model


def _audit_model(model: OrgModel, config: "AuditConfig", progress: Progress, workers: int | None = None) -> "AuditResult":
    from orgpower.workers import one_blas_thread

    with one_blas_thread():
        return _audit_graph(model, config, progress, workers)


#: the most people whose direct readings are taken beside the measures. Above, the forked
#: process's working memory is too much on top of the workers': at 1,000,000 tree-like
#: people it held 2.4 GiB (proportional set size) while the workers ran, and the audit's
#: peak was 6.53 GiB; taken after the measures, the peak was 5.45 GiB and the whole run
#: 92.6 s against 91.3 s (the measures, no longer sharing the cores with it, took less)
READINGS_BESIDE_PEOPLE = 500_000


def _audit_graph(model: OrgModel, config: "AuditConfig", progress: Progress, workers: int | None) -> "AuditResult":
    from orgpower.metrics.org import measure_org
    from orgpower.report.audit import assemble_audit, direct_readings
    from orgpower.workers import Beside, worker_count

    progress("graph", 0, None, "")
    graph = build_graph(model)
    progress("graph", 1, 1, f"{len(graph.layers)} layers, {len(graph.person_ids):,} people")

    def measured(done: int, total: int, what: str) -> None:
        progress("measure", done, total, what)

    # the readings that need no measure are taken meanwhile in a forked process, on the
    # core the layer workers leave idle as their last tasks finish (same results); in a
    # very large org they are taken afterwards, here, for memory (READINGS_BESIDE_PEOPLE)
    arcs = sum(layer.m for layer in graph.layers.values())
    beside = worker_count(workers, 2, arcs) > 1 and len(graph.person_ids) <= READINGS_BESIDE_PEOPLE
    direct = Beside(direct_readings, model, graph, config, wanted=beside)
    measures = measure_org(
        graph, null_samples=config.null_samples, seed=config.seed, exact_limit=config.exact_limit, progress=measured,
        workers=workers,
    )
    progress("report", 0, None, "")
    result = assemble_audit(model, graph, measures, config, direct.result())
    progress("report", 1, 1, f"{len(result.document.get('findings', [])):,} findings")
    return result


def audit(
    source: OrgModel | Source | None = None,
    *,
    people: "pd.DataFrame | None" = None,
    flows: "pd.DataFrame | None" = None,
    decisions: "pd.DataFrame | None" = None,
    relations: "pd.DataFrame | None" = None,
    mapping: PathLike | dict[str, Any] | None = None,
    config: "AuditConfig | None" = None,
    compare: OrgModel | Source | None = None,
    neo4j_uri: str | None = None,
    snapshot: str | None = None,
    compare_snapshot: str | None = None,
    progress: Progress | None = None,
    flat_org: bool = False,
    allow_disjoint: bool = False,
    compare_order: str = "check",
    workers: int | None = None,
) -> "AuditResult":
    """Run the full audit: measures, readings on the three axes, findings, representation.

    The org is ``source`` (an :class:`OrgModel`, a path, or a list of paths), or tables
    given as ``people=``, ``flows=``, ``decisions=``, ``relations=`` DataFrames, or, with
    ``neo4j_uri`` and ``snapshot`` and no source, a Neo4j snapshot. ``compare`` (an org
    in any of the same forms) or ``compare_snapshot`` adds the change since then.
    Snapshots that share no person id are refused unless ``allow_disjoint``.
    ``compare_order`` says what to do when the dates (latest flow period, else a date in
    the names given) say that the org to compare with is the newer one: ``"check"``
    (the default) raises a :class:`~orgpower.errors.UsageError` that says what to write,
    ``"swap"`` audits the newer against the older with an
    :class:`~orgpower.errors.OrgpowerWarning`, ``"keep"`` compares in the order given.
    ``config`` (:class:`AuditConfig`) holds every setting and threshold; its
    ``group_attributes`` are matched to the people columns ignoring case (with an
    :class:`~orgpower.errors.OrgpowerWarning`). ``progress`` (see :class:`Progress`)
    hears of each stage. ``workers``: how many processes measure the layers of a large
    org (``None``, the default: every usable core; 1: this process only); the numbers
    do not depend on it.

    Raises :class:`~orgpower.errors.InputError` when the input cannot be used at all, and
    when its manager column looks missed (``manager_column_unused``, ``too_many_tops``)
    unless ``flat_org=True`` says the org really is flat (an :class:`OrgModel` says so
    when it is read);
    problems in single rows are in ``result.document["validation"]`` and among the findings.

    >>> result = audit("sample_orgs/northwind_command")                 # doctest: +SKIP
    >>> result                                                          # doctest: +SKIP
    <AuditResult power-over: 48 people, 5 layers, 3 high findings, 0 data errors>
    """
    from orgpower.report.audit import AuditConfig, add_comparison

    progress = progress or _silent
    config = config or AuditConfig()
    frames = {"people": people, "flows": flows, "decisions": decisions, "relations": relations}
    if compare_order not in ("check", "swap", "keep"):
        raise UsageError(f"compare_order is {compare_order!r}: give 'check', 'swap' or 'keep'.")
    model = _model(source, frames, mapping, neo4j_uri, snapshot, "audited", progress, flat_org)

    def older(stage: str, done: int, total: int | None, detail: str = "") -> None:
        progress(f"compare:{stage}", done, total, detail)

    old_model = None
    if compare is not None or compare_snapshot:
        if compare_snapshot:
            if not neo4j_uri:
                raise UsageError("compare_snapshot needs neo4j_uri (--neo4j URI).")
            old_model = _model(None, {}, None, neo4j_uri, compare_snapshot, "compare", older)
        else:
            old_model = _model(compare, {}, mapping, None, None, "compare", older, flat_org)
        model, old_model = _in_order(model, old_model, _source_name(source, snapshot),
                                     _source_name(compare, compare_snapshot), compare_order)
    if config.group_attributes:
        config = dataclasses.replace(config, group_attributes=resolve_group_attributes(model, config.group_attributes))
    result = _audit_model(model, config, progress, workers)
    if old_model is not None:
        add_comparison(result, _audit_model(old_model, config, older, workers), allow_disjoint=allow_disjoint)
    return result


def _source_name(source: Any, snapshot: str | None) -> str:
    """How an org was given, for messages and for the dates in its name: its path(s) or
    snapshot name ("" for tables and OrgModels)."""
    if snapshot and source is None:
        return snapshot
    if isinstance(source, (str, Path)):
        return str(source)
    if source is None or isinstance(source, OrgModel):
        return ""
    try:
        return " ".join(str(p) for p in source)
    except TypeError:
        return ""


def _in_order(model: OrgModel, old_model: OrgModel, name: str, old_name: str, order: str) -> tuple[OrgModel, OrgModel]:
    """(newer, older): the order given, unless the dates say it is reversed (see ``audit``)."""
    from orgpower.report.compare import order_check, order_sentence

    check = order_check(model, old_model, name, old_name)
    if not check.reversed or order == "keep":
        return model, old_model
    sentence = order_sentence(check, name, old_name)
    if order == "check":
        raise UsageError(sentence)
    where = "latest flow period" if check.evidence == "flow periods" else "date in its name"
    warnings.warn(
        f"{old_name or 'The org given to compare with'} ({where} {check.old_date}) is newer than "
        f"{name or 'the org given to audit'} ({check.new_date}), so it is audited and compared with the older, "
        "not the other way round.", OrgpowerWarning, stacklevel=3)
    return old_model, model


def write_reports(result: "AuditResult", out_dir: PathLike, formats: Sequence[str] = ("json", "html"),
                  **options: Any) -> dict[str, Path]:
    """Write ``audit.json`` (always), ``people.csv`` (always) and the other formats asked for
    (``html``, ``pdf``, ``xlsx``) into ``out_dir``; returns format -> path.

    ``options`` (keywords of :func:`orgpower.report.writers.write_reports`): ``meta`` (a
    :class:`~orgpower.report.meta.ReportMeta`: title, organisation, prepared for and by,
    date), ``names`` (show names beside ids), ``csv_encoding`` (people.csv, default
    ``utf-8-sig``), ``workers`` (1: write in this process only). None of them changes
    audit.json."""
    from orgpower.report.writers import write_reports as _write

    # the optional parts each format needs, named before anything is written
    needs = {"html": [("jinja2", "HTML")], "pdf": [("jinja2", "PDF"), ("weasyprint", "PDF")], "xlsx": [("xlsxwriter", "XLSX")]}
    for fmt in formats:
        for module, what in needs.get(fmt, []):
            require(module, "report", f"The {what} report")
    return _write(result, Path(out_dir), tuple(formats), **options)


def export_graph(
    result: "AuditResult", out_dir: PathLike, fmt: str = "gexf", *, layer: str | None = None,
) -> list[Path]:
    """Write the org's layers for other tools into ``out_dir``: ``graphml``, ``gexf``
    (Gephi: layers as edge kinds, measures as node attributes), ``edgelist``
    (edges.csv, nodes.csv) or ``neo4j-csv`` (for ``neo4j-admin database import``);
    ``layer`` restricts it to one layer. Returns the files written."""
    from orgpower.graph.export import write_graph

    inputs = {item.sha256 for item in result.model.inputs if getattr(item, "sha256", None)}
    return write_graph(result.graph, result.node_table(), Path(out_dir), fmt, layer=layer, inputs_sha256=inputs)


def generate_org(people: int, archetype: str = "mixed", *, seed: int = 0) -> OrgModel:
    """A synthetic org of ``people`` people of archetype ``power-over``, ``mutual`` or ``mixed``."""
    from orgpower.synthetic import generate_org as _generate

    return _generate(people, archetype, seed=seed)


def load_to_neo4j(
    model: OrgModel, uri: str, *, snapshot: str = "default", user: str | None = None, password: str | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Write a validated org into Neo4j as snapshot ``snapshot``; returns counts written.

    ``progress(step, rows, seconds)`` hears of each write step as it ends (counts only).
    """
    with _neo4j_store().connect(uri, user=user, password=password) as store:
        return store.load(model, snapshot=snapshot, progress=progress)
