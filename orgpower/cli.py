"""`orgpower` command line: a thin shell over :mod:`orgpower.api` (interfaces.md §2).

Exit status: 0 success, 1 input unusable / errors found, 2 usage error, 3 database
unreachable. A problem in the input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orgpower import __version__
from orgpower.errors import OrgpowerError, UsageError

REPORT_FORMATS = ("json", "html", "xlsx", "pdf")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one sentence
        self.print_usage(sys.stderr)
        print(f"orgpower: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="orgpower", description="Power-over vs mutual structures in an organisation.")
    parser.add_argument("--version", action="version", version=f"orgpower {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="read and check an input bundle")
    validate.add_argument("inputs", nargs="+", help="a folder or any list of files")
    validate.add_argument("--json", action="store_true", help="print the problems as JSON")
    validate.add_argument("--show-mapping", action="store_true", help="show the detected format and column mapping")
    validate.add_argument("--mapping", help="a mapping file (YAML/JSON/CSV) that overrides detection")

    audit = commands.add_parser("audit", help="full audit: audit.json, audit.html, people.csv, ...")
    audit.add_argument("inputs", nargs="*", help="a folder or any list of files (omit with --neo4j --snapshot)")
    audit.add_argument("--out", default="orgpower-audit", help="output folder (default: orgpower-audit)")
    audit.add_argument("--format", default="json,html", help="comma list of json,html,xlsx,pdf (json is always written)")
    audit.add_argument("--neo4j", help="read the org from this Neo4j URI instead of files")
    audit.add_argument("--snapshot", help="Neo4j snapshot name")
    audit.add_argument("--compare", nargs="+", help="an older bundle (folder or files) to compare with")
    audit.add_argument("--compare-snapshot", help="an older Neo4j snapshot to compare with")
    audit.add_argument("--mapping", help="a mapping file that overrides detection")
    audit.add_argument("--config", help="a thresholds/settings file (TOML or JSON) overriding the defaults")
    audit.add_argument("--group-attribute", action="append", default=[], help="an attribute to audit representation by (repeatable)")

    load = commands.add_parser("load", help="write the validated org into Neo4j")
    load.add_argument("inputs", nargs="+")
    load.add_argument("--neo4j", help="bolt URI (default: $NEO4J_URI)")
    load.add_argument("--snapshot", default="default")
    load.add_argument("--mapping")

    snapshots = commands.add_parser("snapshots", help="list or delete Neo4j snapshots")
    snapshots.add_argument("--neo4j", help="bolt URI (default: $NEO4J_URI)")
    snapshots.add_argument("--delete", metavar="NAME", help="delete this snapshot")

    dashboard = commands.add_parser("dashboard", help="start the Streamlit dashboard")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.add_argument("--address", default="127.0.0.1")

    generate = commands.add_parser("generate", help="write a synthetic org bundle")
    generate.add_argument("--people", type=int, required=True)
    generate.add_argument("--archetype", choices=("power-over", "mutual", "mixed"), default="mixed")
    generate.add_argument("--out", required=True)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--format", choices=("csv", "parquet"), default="csv")
    return parser


def _neo4j_uri(given: str | None) -> str:
    uri = given or os.environ.get("NEO4J_URI")
    if not uri:
        raise UsageError("No Neo4j URI: pass --neo4j bolt://HOST:PORT or set NEO4J_URI.")
    return uri


def _cmd_validate(args: argparse.Namespace) -> int:
    from orgpower import api
    from orgpower.ingest.summary import format_validation, validation_json

    model = api.read_org(args.inputs, mapping=args.mapping)
    if args.json:
        print(validation_json(model))
    else:
        print(format_validation(model, show_mapping=args.show_mapping))
    return 1 if model.errors else 0


def _cmd_audit(args: argparse.Namespace) -> int:
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    unknown = sorted(set(formats) - set(REPORT_FORMATS))
    if unknown:
        raise UsageError(f"Unknown report format {', '.join(unknown)}: choose from {', '.join(REPORT_FORMATS)}.")
    if not args.inputs and not (args.neo4j or args.snapshot):
        raise UsageError("Give the input files or folder, or --neo4j URI --snapshot NAME.")
    from orgpower import api
    from orgpower.report.audit import AuditConfig

    config = AuditConfig.load(args.config) if args.config else AuditConfig()
    if args.group_attribute:
        config = config.with_group_attributes(args.group_attribute)
    if args.inputs:
        source = api.read_org(args.inputs, mapping=args.mapping)
        neo4j_uri = None
    else:
        source = None
        neo4j_uri = _neo4j_uri(args.neo4j)
    compare = api.read_org(args.compare, mapping=args.mapping) if args.compare else None
    result = api.audit(
        source, config=config, compare=compare, neo4j_uri=neo4j_uri, snapshot=args.snapshot,
        compare_snapshot=args.compare_snapshot,
    )
    written = api.write_reports(result, args.out, formats)
    for fmt, path in written.items():
        print(f"{fmt:>5}: {path}")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    uri = _neo4j_uri(args.neo4j)
    from orgpower import api
    from orgpower.ingest.summary import format_validation

    model = api.read_org(args.inputs, mapping=args.mapping)
    if model.errors and model.people.empty:
        print(format_validation(model), file=sys.stderr)
        return 1
    counts = api.load_to_neo4j(model, uri, snapshot=args.snapshot, progress=_print_load_step)
    print(f"Loaded snapshot {args.snapshot!r} into {uri}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def _print_load_step(step: str, rows: int, seconds: float) -> None:
    """A large load takes a while: say on stderr what each step wrote (counts only)."""
    if not rows:
        return
    print(f"  {step}: {rows:,} rows in {seconds:.1f} s", file=sys.stderr, flush=True)


def _cmd_snapshots(args: argparse.Namespace) -> int:
    from orgpower.graph.neo4j_store import Neo4jStore

    uri = _neo4j_uri(args.neo4j)
    with Neo4jStore.connect(uri) as store:
        if args.delete:
            store.delete_snapshot(args.delete)
            print(f"Deleted snapshot {args.delete!r}.")
        else:
            for snapshot in store.list_snapshots():
                print(snapshot)
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from orgpower.dashboard.launch import launch

    return launch(port=args.port, address=args.address)


def _cmd_generate(args: argparse.Namespace) -> int:
    from orgpower.ingest.synthetic import write_bundle
    from orgpower import api

    if args.people < 1:
        raise UsageError("--people must be at least 1.")
    model = api.generate_org(args.people, args.archetype, seed=args.seed)
    paths = write_bundle(model, Path(args.out), file_format=args.format)
    print(f"Wrote a {args.archetype} org of {args.people} people to {args.out} ({len(paths)} files).")
    return 0


COMMANDS = {
    "validate": _cmd_validate,
    "audit": _cmd_audit,
    "load": _cmd_load,
    "snapshots": _cmd_snapshots,
    "dashboard": _cmd_dashboard,
    "generate": _cmd_generate,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except OrgpowerError as error:
        print(f"orgpower: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("orgpower: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
