"""`orgpower` command line: a thin shell over :mod:`orgpower.api`.

Built on click (one small pure-Python dependency): each subcommand prints its own usage
on a usage error, a mistyped option or command gets a "did you mean", and ``--help``
shows every option with its default and examples.

Exit status: 0 success, 1 input unusable or errors found (data errors too, with
``--strict``), 2 usage error, 3 database unreachable. A problem in the input never ends
in a traceback. Progress goes to stderr, only when stderr is a terminal and not ``-q``;
results go to stdout.
"""

from __future__ import annotations

import difflib
import gc
import os
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import Any, TextIO

import click

from orgpower import __version__
from orgpower.errors import OrgpowerError, OrgpowerWarning, UsageError

REPORT_FORMATS = ("json", "html", "xlsx", "pdf")
GRAPH_FORMATS = ("graphml", "gexf", "edgelist", "neo4j-csv")  # orgpower.graph.export.GRAPH_FORMATS
ARCHETYPES = ("power-over", "mutual", "mixed")
CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 100}


# ---- manners: suggestions, usage of the subcommand, progress ------------------------------


class _Commands(click.Group):
    """Commands listed in the order they are used, and a suggestion for a mistyped one."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            names = self.list_commands(ctx)
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint} Commands: {', '.join(names)}.")
        return super().resolve_command(ctx, args)


class _Command(click.Command):
    """A command whose own usage errors (``UsageError`` from orgpower) print its usage line,
    as click's do."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise click.UsageError(error.message, ctx) from None


_Commands.command_class = _Command


class _Audit(_Command):
    """``--compare OLD…`` takes several paths, as documented: ``--compare a b`` is read as
    ``--compare a --compare b`` (a click option takes one value per use)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spread: list[str] = []
        state = None  # "first": the value of --compare is next; "more": further values may follow
        for arg in args:
            if arg == "--compare":
                state = "first"
            elif state == "first":
                state = "more"
            elif state == "more" and not arg.startswith("-"):
                spread.append("--compare")
            else:
                state = None
            spread.append(arg)
        return super().parse_args(ctx, spread)


def _printable(text: str) -> str:
    # layer names come from files: never let a control character reach the terminal
    return "".join(ch if ch.isprintable() else "?" for ch in text)


class Progress:
    """Long work, told on stderr: one line per stage with its counts, a bar where the total
    is known, and the seconds it took. Silent when stderr is not a terminal or with -q,
    so logs and pipes get only the results."""

    LABELS = {
        "read": "Reading", "graph": "Building graph", "measure": "Measuring", "report": "Reading results",
        "write": "Writing", "load": "Loading", "export": "Exporting",
    }

    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = not quiet and bool(getattr(self.stream, "isatty", lambda: False)())
        self.stage: str | None = None
        self.started = 0.0
        self.open_line = False

    def _label(self, stage: str) -> str:
        if stage.startswith("compare:"):
            return "Older org: " + self._label(stage.split(":", 1)[1]).lower()
        return self.LABELS.get(stage, stage.capitalize())

    def _write(self, text: str, *, end: bool) -> None:
        width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
        text = _printable(text)[:width]
        self.stream.write("\r" + text.ljust(width if self.open_line else len(text)) + ("\n" if end else ""))
        self.stream.flush()
        self.open_line = not end

    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.started = stage, now
        label = f"{self._label(stage):<16}"
        if total is not None and done >= total:
            self._write(f"{label} {detail}  ({now - self.started:.1f} s)".rstrip(), end=True)
            self.stage = None
        elif total:
            filled = int(24 * done / total)
            self._write(f"{label} [{'#' * filled}{'.' * (24 - filled)}] {done}/{total} {detail}", end=False)
        else:
            self._write(f"{label} {detail}...", end=False)

    def line(self, text: str) -> None:
        """A finished step of its own (a Neo4j write step)."""
        if self.enabled:
            self._write(text, end=True)

    def close(self) -> None:
        if self.enabled and self.open_line:
            self._write("", end=True)


def _quiet_option(function: Any) -> Any:
    return click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (it is shown only on a terminal).")(function)


def _mapping_option(function: Any) -> Any:
    return click.option(
        "--mapping", metavar="FILE",
        help="A mapping file (JSON, or a CSV of canonical,header rows) that overrides the detected columns.",
    )(function)


def _flat_org_option(function: Any) -> Any:
    return click.option(
        "--flat-org", is_flag=True,
        help="The org really has no (or few) reporting lines: do not refuse it for the people without a manager.",
    )(function)


def _neo4j_uri(given: str | None) -> str:
    uri = given or os.environ.get("NEO4J_URI")
    if not uri:
        raise UsageError("No Neo4j URI: pass --neo4j bolt://HOST:PORT or set NEO4J_URI.")
    return uri


def _report_formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    for fmt in formats:
        if fmt not in REPORT_FORMATS:
            close = difflib.get_close_matches(fmt, REPORT_FORMATS, n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise click.BadParameter(
                f"Unknown report format {fmt}.{hint} Choose from {', '.join(REPORT_FORMATS)}.", ctx, param
            )
    return formats


# ---- commands ---------------------------------------------------------------------------


@click.group(cls=_Commands, context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower validate exports/ --show-mapping
  orgpower audit exports/ --out report --format json,html,xlsx,pdf
  orgpower audit exports-2026q4/ --compare exports-2026q2/ --out change
  orgpower export exports/ --format gexf --out graph
  orgpower generate --people 500 --archetype power-over --out demo-org
Run 'orgpower COMMAND --help' for a command's options and examples.""")
@click.version_option(__version__, "--version", prog_name="orgpower", message="%(prog)s %(version)s")
def cli() -> None:
    """Power-over vs mutual structures in an organisation: reporting lines, resource flows
    and decision rights, read from HR exports.

    Exit status: 0 success, 1 input unusable or errors found, 2 usage error,
    3 database unreachable.
    """


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower validate exports/
  orgpower validate workday.xlsx budgets.csv --show-mapping
  orgpower validate staff.csv --mapping mapping.json --json > problems.json""")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--json", "as_json", is_flag=True, help="Print the org counts and every problem as JSON.")
@click.option("--show-mapping", is_flag=True, help="Show each file's detected kind, format and column mapping.")
@_mapping_option
@_flat_org_option
def validate(inputs: tuple[str, ...], as_json: bool, show_mapping: bool, mapping: str | None, flat_org: bool) -> int:
    """Read and check an input bundle: INPUT is a folder or any list of files.

    Prints the org's headline and every problem grouped by code, with file, row and
    value. Exits 1 when there are errors, 0 when there are only warnings. With --json
    the output is JSON also when the input is refused.
    """
    from orgpower import api
    from orgpower.ingest.summary import format_validation, refusal_json, validation_json

    try:
        model = api.read_org(list(inputs), mapping=mapping, flat_org=flat_org)
    except OrgpowerError as error:
        if not as_json:
            raise
        click.echo(refusal_json(error))
        click.echo(f"orgpower: {error.message}", err=True)
        return error.exit_code
    click.echo(validation_json(model) if as_json else format_validation(model, show_mapping=show_mapping))
    return 1 if model.errors else 0


@cli.command(cls=_Audit, context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower audit exports/ --out report
  orgpower audit exports/ --format json,html,xlsx,pdf --group-attribute gender
  orgpower audit exports-2026q4/ --compare exports-2026q2/ --out change
  orgpower audit --neo4j bolt://localhost:7687 --snapshot 2026-q4 --out report
  orgpower audit exports/ --strict -q   # in a script: exit 1 on data errors, no progress""")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("--out", default="orgpower-audit", metavar="DIR", help="Output folder (created if missing; inputs are never overwritten).")
@click.option("--format", "formats", default="json,html", metavar="LIST", callback=_report_formats,
              help="Comma list of json, html, xlsx, pdf. audit.json and people.csv are always written.")
@click.option("--group-attribute", "group_attributes", multiple=True, metavar="NAME",
              help="A people column to audit representation by, e.g. gender (repeatable; case-insensitive).")
@click.option("--compare", multiple=True, metavar="OLD...",
              help="An older bundle (folder or files) to compare with: adds what changed.")
@click.option("--config", metavar="FILE", help="Thresholds and settings (TOML or JSON) overriding the defaults.")
@_mapping_option
@click.option("--neo4j", metavar="URI", help="Read the org from this Neo4j server instead of files (default: $NEO4J_URI).")
@click.option("--snapshot", metavar="NAME", help="The Neo4j snapshot to audit (with --neo4j).")
@click.option("--compare-snapshot", metavar="NAME", help="An older Neo4j snapshot to compare with.")
@click.option("--allow-disjoint", is_flag=True, help="Compare snapshots that share no person id (refused otherwise).")
@click.option("--keep-order", is_flag=True, help="Compare in the order given even when the dates (latest flow period, "
              "or a date in the folder names) say the --compare snapshot is the newer (refused otherwise).")
@click.option("--strict", is_flag=True, help="Exit 1 when the input has data errors (the reports are still written).")
@click.option("--title", metavar="TEXT", help="Report title on the cover (default: 'Power in ORGANISATION').")
@click.option("--organisation", metavar="NAME", help="The audited organisation's name.")
@click.option("--prepared-for", metavar="TEXT", help="Who the report is for (cover and summary sheet).")
@click.option("--prepared-by", metavar="TEXT", help="Who prepared the report.")
@click.option("--date", "report_date", metavar="YYYY-MM-DD", help="Report date (default: newest modification date of the input files).")
@click.option("--report-config", metavar="FILE", help="Report details (title, organisation, prepared_for, prepared_by, date, "
              "confidentiality) in a TOML or JSON file; the options above override it.")
@click.option("--names", is_flag=True, help="Show people's names beside their ids in every document (with the client's consent); "
              "ids only by default. audit.json never holds names.")
@click.option("--csv-encoding", default="utf-8-sig", show_default=True, metavar="ENCODING",
              help="Encoding of people.csv: utf-8-sig (UTF-8 with BOM, opens correctly in Excel), utf-8, cp1252, ...")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Processes that measure the layers of a large org (default: every core; 1: one process). "
              "The numbers do not depend on it.")
@_flat_org_option
@_quiet_option
def audit(
    inputs: tuple[str, ...], out: str, formats: tuple[str, ...], group_attributes: tuple[str, ...],
    compare: tuple[str, ...], config: str | None, mapping: str | None, neo4j: str | None, snapshot: str | None,
    compare_snapshot: str | None, strict: bool, title: str | None, organisation: str | None,
    prepared_for: str | None, prepared_by: str | None, report_date: str | None, report_config: str | None,
    names: bool, csv_encoding: str, flat_org: bool, quiet: bool, allow_disjoint: bool = False,
    keep_order: bool = False, workers: int | None = None,
) -> int:
    """Full audit of an org: INPUT is a folder or any list of files (or none, with --neo4j
    and --snapshot).

    Writes audit.json, people.csv and the other formats asked for into --out, then prints
    the files and a one-line summary: the reading, high findings and data errors.
    """
    # `--compare A B` gives no order of its own: the dates decide, with a warning when they swap it
    unordered = not inputs and len(compare) == 2
    inputs, compare = _compare_order(inputs, compare)
    order = "keep" if keep_order else "swap" if unordered and inputs else "check"
    if not inputs and not (neo4j or snapshot):
        raise UsageError("Give the input files or folder, or --neo4j URI --snapshot NAME.")
    from orgpower import api
    from orgpower.report.config import AuditConfig

    from orgpower.report.meta import ReportMeta, input_date

    settings = AuditConfig.load(config) if config else AuditConfig()
    meta = (ReportMeta.load(report_config) if report_config else ReportMeta()).merged(
        title=title, organisation=organisation, prepared_for=prepared_for, prepared_by=prepared_by, date=report_date)
    if not meta.date and inputs:
        meta = meta.merged(date=input_date(inputs))
    if group_attributes:
        settings = settings.with_group_attributes(list(group_attributes))
    neo4j_uri = None if inputs else _neo4j_uri(neo4j)
    if compare_snapshot and not neo4j_uri:
        neo4j_uri = _neo4j_uri(neo4j)
    progress = Progress(quiet)
    try:
        result = api.audit(
            list(inputs) or None, mapping=mapping, config=settings, compare=list(compare) or None,
            neo4j_uri=neo4j_uri, snapshot=snapshot, compare_snapshot=compare_snapshot, progress=progress,
            flat_org=flat_org,
            allow_disjoint=allow_disjoint, compare_order=order, workers=workers,
        )
        progress("write", 0, None, ", ".join(formats))
        written = api.write_reports(result, out, formats, meta=meta, names=names, csv_encoding=csv_encoding,
                                    workers=workers)
        progress("write", 1, 1, f"{len(written)} files")
    finally:
        progress.close()
    for fmt, path in written.items():
        click.echo(f"{fmt:>5}: {path}")
    for warning in (result.comparison or {}).get("warnings", []):
        click.echo(f"orgpower: warning: {warning}", err=True)
    click.echo(result.summary())
    if strict and result.model.errors:
        click.echo(
            f"orgpower: {len(result.model.errors):,} data errors in the input (--strict): "
            "run `orgpower validate` on it for the list.", err=True,
        )
        return 1
    return 0


def _compare_order(inputs: tuple[str, ...], compare: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``audit --compare OLD NEW`` (two folders, no INPUT) audits NEW against OLD; several
    folders after --compare beside an INPUT are a usage error that says what to write."""
    folders = [c for c in compare if Path(c).is_dir()]
    if len(compare) < 2 or len(folders) < 2:
        return inputs, compare
    if not inputs and len(compare) == 2:
        return (compare[1],), (compare[0],)
    raise UsageError(
        f"--compare takes one older snapshot (a folder, or its files), but got {len(folders)} folders. "
        "Write `orgpower audit NEW --compare OLD`, or `orgpower audit --compare OLD NEW`."
    )


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower export exports/ --format gexf --out graph        # open graph/org.gexf in Gephi
  orgpower export exports/ --format graphml --layer reporting --out graph
  orgpower export exports/ --format edgelist --out tables  # edges.csv, nodes.csv
  orgpower export exports/ --format neo4j-csv --out import # then: neo4j-admin database import full
                                                           #   --nodes=import/nodes.csv
                                                           #   --relationships=import/relationships.csv""")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="gexf",
              help="gexf: Gephi (layers as edge kinds, measures as node attributes); graphml: most graph tools; "
                   "edgelist: edges.csv and nodes.csv; neo4j-csv: files for neo4j-admin import.")
@click.option("--out", default="orgpower-graph", metavar="DIR", help="Output folder (created if missing; inputs are never overwritten).")
@click.option("--layer", metavar="NAME", help="Only this layer (reporting, reporting_dotted, flows, decisions, or a relation); default: all.")
@click.option("--config", metavar="FILE", help="Settings (TOML or JSON) for the measures on the nodes, as for audit.")
@_mapping_option
@click.option("--neo4j", metavar="URI", help="Read the org from this Neo4j server instead of files (default: $NEO4J_URI).")
@click.option("--snapshot", metavar="NAME", help="The Neo4j snapshot to export (with --neo4j).")
@_quiet_option
def export(
    inputs: tuple[str, ...], fmt: str, out: str, layer: str | None, config: str | None, mapping: str | None,
    neo4j: str | None, snapshot: str | None, quiet: bool,
) -> int:
    """Export the org's layers as a graph for Gephi, networkx, Neo4j or a spreadsheet:
    INPUT is a folder or any list of files (or none, with --neo4j and --snapshot).

    Arcs run superior -> subordinate with their summed weights; every node carries its
    node_kind (person or unit), the person's columns and measures.
    """
    if not inputs and not (neo4j or snapshot):
        raise UsageError("Give the input files or folder, or --neo4j URI --snapshot NAME.")
    import dataclasses

    from orgpower import api
    from orgpower.report.config import AuditConfig

    # the null model changes no node measure: without a --config it is skipped
    settings = AuditConfig.load(config) if config else dataclasses.replace(AuditConfig(), null_samples=0)
    progress = Progress(quiet)
    try:
        result = api.audit(
            list(inputs) or None, mapping=mapping, config=settings,
            neo4j_uri=None if inputs else _neo4j_uri(neo4j), snapshot=snapshot, progress=progress,
        )
        progress("export", 0, None, fmt)
        written = api.export_graph(result, out, fmt, layer=layer)
        progress("export", 1, 1, f"{len(written)} files")
    finally:
        progress.close()
    for path in written:
        click.echo(f"{fmt:>9}: {path}")
    edges = result.edge_list(layer)
    click.echo(f"{len(result.node_table()):,} nodes, {len(edges):,} arcs in {edges['layer'].nunique()} layers; "
               f"{len(result.model.errors):,} data errors in the input.")
    return 0


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower load exports/ --neo4j bolt://localhost:7687 --snapshot 2026-q4
  NEO4J_URI=bolt://db:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=... orgpower load exports/""")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--neo4j", metavar="URI", help="Bolt URI of the Neo4j server (default: $NEO4J_URI; "
              "credentials from $NEO4J_USER, $NEO4J_PASSWORD).")
@click.option("--snapshot", default="default", metavar="NAME", help="Name the org is kept under (a later load of the same name replaces it).")
@_mapping_option
@_flat_org_option
@_quiet_option
def load(inputs: tuple[str, ...], neo4j: str | None, snapshot: str, mapping: str | None, flat_org: bool,
         quiet: bool) -> int:
    """Validate an org (INPUT: a folder or any list of files) and write it into Neo4j as
    a snapshot, for `orgpower audit --neo4j` and the dashboard."""
    uri = _neo4j_uri(neo4j)
    from orgpower import api
    from orgpower.ingest.summary import format_validation

    progress = Progress(quiet)
    model = api.read_org(list(inputs), mapping=mapping, flat_org=flat_org)
    if model.errors and model.people.empty:
        click.echo(format_validation(model), err=True)
        return 1

    def step(name: str, rows: int, seconds: float) -> None:
        if rows:  # a step with nothing to write stays quiet
            progress.line(f"  {name}: {rows:,} rows in {seconds:.1f} s")

    counts = api.load_to_neo4j(model, uri, snapshot=snapshot, progress=step)
    click.echo(f"Loaded snapshot {snapshot!r} into {uri}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower snapshots --neo4j bolt://localhost:7687
  orgpower snapshots --delete 2025-q4
  orgpower snapshots --clean""")
@click.option("--neo4j", metavar="URI", help="Bolt URI of the Neo4j server (default: $NEO4J_URI).")
@click.option("--delete", metavar="NAME", help="Delete this snapshot (and nothing else).")
@click.option("--clean", is_flag=True, help="Remove data no snapshot owns (left by loads that were killed or died).")
def snapshots(neo4j: str | None, delete: str | None, clean: bool) -> int:
    """List the org snapshots kept in Neo4j, delete one, or remove what dead loads left."""
    from orgpower.graph.neo4j_store import Neo4jStore

    uri = _neo4j_uri(neo4j)
    with Neo4jStore.connect(uri) as store:
        if delete:
            store.delete_snapshot(delete)
            click.echo(f"Deleted snapshot {delete!r}.")
        if clean:
            removed = store.remove_orphans()
            click.echo(f"Removed {removed['nodes']:,} nodes of {removed['loads']:,} dead or replaced load(s); no snapshot was touched.")
        if not (delete or clean):
            for name in store.list_snapshots():
                click.echo(name)
    return 0


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower dashboard
  orgpower dashboard --port 8600""")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, metavar="PORT", help="Port to serve on (1-65535).")
@click.option("--address", default="127.0.0.1", metavar="HOST", help="Address to serve on (127.0.0.1: this machine only).")
def dashboard(port: int, address: str) -> int:
    """Start the Streamlit dashboard (stop it with Ctrl+C)."""
    from orgpower.dashboard.launch import launch

    return launch(port=port, address=address)


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  orgpower generate --people 500 --archetype power-over --out demo-org
  orgpower generate --people 20000 --format parquet --seed 7 --out big-org""")
@click.option("--people", type=int, required=True, metavar="N", help="Number of people in the org (at least 1).")
@click.option("--archetype", type=click.Choice(ARCHETYPES), default="mixed",
              help="power-over: steep tree, one-way flows, decisions at the top; mutual: flat, returned ties, "
                   "shared decisions; mixed: some of each.")
@click.option("--out", required=True, metavar="DIR", help="Folder to write the bundle into (existing files are never overwritten).")
@click.option("--seed", type=int, default=0, metavar="SEED", help="Random seed: the same seed gives the same org.")
@click.option("--format", "file_format", type=click.Choice(("csv", "parquet")), default="csv", help="File format of the bundle.")
def generate(people: int, archetype: str, out: str, seed: int, file_format: str) -> int:
    """Write a synthetic org bundle (people, flows, decisions, relations, units) to try
    orgpower on, or to test at scale."""
    from orgpower import api
    from orgpower.synthetic import write_bundle

    if people < 1:
        raise UsageError("--people must be at least 1.")
    model = api.generate_org(people, archetype, seed=seed)
    paths = write_bundle(model, Path(out), file_format=file_format)
    click.echo(f"Wrote a {archetype} org of {people} people to {out} ({len(paths)} files).")
    return 0


# ---- entry point ------------------------------------------------------------------------


def _show_usage_error(error: click.UsageError) -> None:
    if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())) and error.ctx is not None:
        click.echo(error.ctx.get_help(), err=True)  # no command at all: the help is the answer
        return
    if error.ctx is not None:
        click.echo(error.ctx.get_usage(), err=True)
        click.echo(f"Try '{error.ctx.command_path} --help' for help.\n", err=True)
    click.echo(f"orgpower: {error.format_message()}", err=True)


def _show_warning(message: Any, category: type, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    if issubclass(category, OrgpowerWarning):
        click.echo(f"orgpower: warning: {message}", err=True)


#: young-generation size of the garbage collector during a command (Python's default: 700)
GC_YOUNG = 10_000


#: BLAS libraries' thread counts, set to one for a command unless the user set them: the
#: audit's cores are already busy with its own processes (layer workers, the readings
#: beside them), and a threaded dot product of vectors over 10,000 entries (OpenBLAS
#: splits them) then waits on threads that have no core: measured at 10,000 people
#: (tree-like), the measures' CPU 10.9 -> 5.6 s with the machine shared. Read by BLAS
#: when numpy is first imported, which in a command is after this is set.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    # a command is one short run that allocates millions of small objects (frames, dicts,
    # report rows) and frees most at once: fewer, larger young collections cost 0.12 s
    # instead of 0.44 s CPU at 10,000 people (5%), with no full collection in the run
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, 10, 10)
    unset = [name for name in BLAS_THREADS if name not in os.environ]
    os.environ.update(dict.fromkeys(unset, "1"))
    try:
        return _main(args)
    finally:
        gc.set_threshold(*thresholds)
        for name in unset:  # main() called from Python: leave its environment as it was
            os.environ.pop(name, None)


def _main(args: list[str]) -> int:
    with warnings.catch_warnings():
        if not sys.warnoptions:  # the user's own -W / PYTHONWARNINGS choice wins
            # a library's deprecation notice is not the user's business; ours are
            warnings.simplefilter("ignore")
            warnings.simplefilter("always", OrgpowerWarning)
        warnings.showwarning = _show_warning
        try:
            return _run(args)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0


def _run(args: list[str]) -> int:
    try:
        code = cli.main(args, prog_name="orgpower", standalone_mode=False)
        return int(code or 0)
    except click.UsageError as error:
        _show_usage_error(error)
        return 2
    except OrgpowerError as error:
        click.echo(f"orgpower: {error.message}", err=True)
        return error.exit_code
    except click.ClickException as error:
        click.echo(f"orgpower: {error.format_message()}", err=True)
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("orgpower: interrupted.", err=True)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
