"""Write the bundled example orgs in sample_orgs/ (deterministic; the output is committed).

Each org is a synthetic org (orgpower.synthetic) whose people file is written
with the headers of one HR system's export (orgpower/ingest/vendors.py), and whose flows,
decisions and relations are in the native format of docs/input-formats.md:

    northwind_command/  power-over, 600 people,  Workday people export
    riverbank_coop/     mutual,     120 people,  BambooHR export (manager by name),
                                                 decisions as a wide RACI matrix
    meridian_matrix/    mixed,    1,500 people,  SAP SuccessFactors export with MATRIX_MANAGER
    harbor_dirty/       mixed,      ~300 people, ADP export, cp1252 + semicolons, with
                                                 deliberate faults listed in its README

    python scripts/make_sample_orgs.py            # (re)write sample_orgs/
    python scripts/make_sample_orgs.py --check    # exit 1 if the committed files differ

All names are invented (given name + made-up surname); no row describes a real person.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orgpower.synthetic import bundle_tables, generate_org  # noqa: E402
from orgpower.model import OrgModel  # noqa: E402

OUT = ROOT / "sample_orgs"


@dataclass
class Org:
    """One sample org as files: the people export plus native tables, ids remapped."""

    people: pd.DataFrame  # in the vendor's headers
    flows: pd.DataFrame
    decisions: pd.DataFrame  # long, or the wide matrix
    relations: pd.DataFrame


def _id_map(model: OrgModel, make_ids) -> dict[str, str]:
    return dict(zip(model.people["person_id"].astype(str), make_ids(len(model.people))))


def _remap(frame: pd.DataFrame, columns: tuple[str, ...], ids: dict[str, str]) -> pd.DataFrame:
    """Person ids -> the vendor's ids; unit ids (not in the map) stay as they are."""
    frame = frame.copy()
    for column in columns:
        values = frame[column].astype(object)
        frame[column] = [ids.get(v, v) if isinstance(v, str) else v for v in values]
    return frame


def _split_names(names: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = names.astype(str).str.split(" ", n=1, expand=True)
    return parts[0], parts[1]


def _native(model: OrgModel, ids: dict[str, str], *, dotted_in_relations: bool = True):
    tables = bundle_tables(model)
    flows = _remap(tables["flows"], ("source", "target"), ids)
    decisions = _remap(tables["decisions"], ("actor", "affects"), ids)
    relations = _remap(tables["relations"], ("source", "target"), ids)
    if not dotted_in_relations:
        relations = relations[relations["relation"] != "dotted"]
    return flows, decisions, relations


def _unique_names(model: OrgModel, seed: int) -> OrgModel:
    """Make every name unique (a manager given by name must point at one person)."""
    from orgpower.synthetic import _GIVEN, _SURNAMES

    rng = np.random.default_rng(seed)
    combos = rng.choice(len(_GIVEN) * len(_SURNAMES), size=len(model.people), replace=False)
    names = [f"{_GIVEN[c // len(_SURNAMES)]} {_SURNAMES[c % len(_SURNAMES)]}" for c in combos]
    model.people = model.people.assign(name=pd.array(names, dtype="string"))
    return model


# --------------------------------------------------------------------------- the orgs


def northwind_command() -> tuple[Org, OrgModel]:
    model = generate_org(600, "power-over", seed=2026)
    rng = np.random.default_rng(11)
    ids = _id_map(model, lambda n: [str(i) for i in 21000 + rng.permutation(n)])
    p = model.people
    people = pd.DataFrame({
        "Employee ID": p["person_id"].map(ids),
        "Worker": p["name"],
        "Business Title": p["title"],
        "Manager ID": p["manager_id"].map(ids),
        "Supervisory Organization": p["unit"],
        "Location": p["location"],
        "Management Level": "Level " + p["level"].astype(str),
        "FTE": p["fte"],
        "Total Base Pay": p["cost"].round(0).astype(int),
        "Gender": p["gender"],
    })
    flows, decisions, relations = _native(model, ids)
    return Org(people, flows, decisions, relations), model


def riverbank_coop() -> tuple[Org, OrgModel]:
    model = _unique_names(generate_org(120, "mutual", seed=7), seed=7)
    ids = _id_map(model, lambda n: [str(i) for i in range(1, n + 1)])
    p = model.people
    first, last = _split_names(p["name"])
    name_of = dict(zip(p["person_id"], p["name"]))
    people = pd.DataFrame({
        "Employee #": p["person_id"].map(ids),
        "First Name": first,
        "Last Name": last,
        "Job Title": p["title"],
        "Reports To": p["manager_id"].map(name_of),  # BambooHR gives the manager's name
        "Department": p["unit"],
        "Location": p["location"],
        "FTE": p["fte"],
        "Gender": p["gender"],
    })
    flows, decisions, relations = _native(model, ids)
    # Wide RACI matrix: one row per decision, one column per member, the role in the cell.
    # Every row of a decision names its actor as bound; the matrix keeps the role only.
    long = decisions.drop_duplicates(["decision", "actor"])
    matrix = long.pivot(index=["decision", "domain"], columns="actor", values="role")
    members = sorted(matrix.columns, key=int)
    matrix = matrix[members].reset_index().rename(columns={"decision": "Decision", "domain": "Domain"})
    matrix.columns.name = None
    return Org(people, flows, matrix, relations), model


def meridian_matrix() -> tuple[Org, OrgModel]:
    model = generate_org(1500, "mixed", seed=1500)
    rng = np.random.default_rng(15)
    ids = _id_map(model, lambda n: [f"mx{i:05d}" for i in 10000 + rng.permutation(n)])
    p = model.people
    first, last = _split_names(p["name"])
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    matrix_manager = p["person_id"].map(dict(zip(dotted["target"], dotted["source"]))).map(ids)
    division = p["unit"].astype(str).str.split("-").str[0]
    people = pd.DataFrame({
        "STATUS": "active",
        "USERID": p["person_id"].map(ids),
        "USERNAME": (first.str.lower() + "." + last.str.lower()),
        "FIRSTNAME": first,
        "LASTNAME": last,
        "GENDER": p["gender"].map({"female": "F", "male": "M", "non-binary": "X", "undisclosed": "U"}),
        "MANAGER": p["manager_id"].map(ids),
        "MATRIX_MANAGER": matrix_manager,
        "DEPARTMENT": p["unit"],
        "DIVISION": division,
        "LOCATION": p["location"],
        "TITLE": p["title"],
    })
    flows, decisions, relations = _native(model, ids, dotted_in_relations=False)
    return Org(people, flows, decisions, relations), model


# Deliberate faults of harbor_dirty: (what, where, problem code); ``where`` is filled in by
# harbor_dirty() with rows and ids. The README table lists them, and
# tests/test_sample_orgs.py reads the expected codes from that table.
HARBOR_FAULTS = [
    ("Header spelling and case variants (`ASSOCIATE ID`, `legal first name`, `Legal_Last_Name`, "
     "`Reports To Associate Id`, `location description`, `fte`)", "people.csv header", None),
    ("The people file is Windows-1252 encoded (accented names), semicolon-separated, with CRLF line ends",
     "people.csv", None),
    ("Ids `7` and `007` are two different people (ids stay text; not a duplicate)", "{zero7}", None),
    ("The chief executive's manager is `Board of Directors`", "{ceo}", "manager_not_a_person"),
    ("A second person with no manager (interim COO); with the rows below that lose their manager "
     "the reporting lines have six tops", "{root2}", "several_roots"),
    ("Job share: one id on two rows, same manager and title, FTE 0.5 each", "{share}", "duplicate_id"),
    ("Two different people share one id", "{dup}", "duplicate_id"),
    ("Reporting cycle of three (each reports to the next)", "{cycle}", "reporting_cycle"),
    ("A person is their own manager", "{self}", "self_manager"),
    ("Orphan: manager `9999` left and is not in the file", "{orphan}", "manager_not_found"),
    ("Manager written `0042` where the id is `42` (leading zeros)", "{zeros}", "manager_not_found"),
    ("A row with a blank id", "{blank}", "blank_id"),
    ("A negative amount", "{negative}", "negative_amount"),
    ("A non-numeric amount (`TBC`)", "{text}", "non_numeric_amount"),
    ("A flow to `ZZ-OLD`, a unit that no longer exists", "{endpoint}", "unknown_endpoint"),
    ("An unknown role code `Z`", "{role}", "unknown_role"),
]
HARBOR_WHERE: dict[str, str] = {}


def harbor_dirty() -> tuple[Org, OrgModel]:
    model = generate_org(290, "mixed", seed=300)
    rng = np.random.default_rng(30)
    ids = _id_map(model, lambda n: [str(i) for i in 1 + rng.permutation(n)])
    p = model.people
    first, last = _split_names(p["name"])
    # A few accented names so the cp1252 encoding matters.
    accented = {3: "Zoë", 11: "Renée", 19: "Jörg", 27: "Åsa", 35: "Mathéo", 43: "Ståle"}
    for row, given in accented.items():
        first.iloc[row] = given
    people = pd.DataFrame({
        "ASSOCIATE ID": p["person_id"].map(ids),
        "legal first name": first,
        "Legal_Last_Name": last,
        "Job Title Description": p["title"],
        "Reports To Associate Id": p["manager_id"].map(ids),
        "Home Department Description": p["unit"],
        "location description": p["location"],
        "fte": p["fte"],
        "Gender": p["gender"],
    })
    people.loc[people["Reports To Associate Id"].isna(), "Reports To Associate Id"] = "Board of Directors"

    def person(pid, first_name, last_name, title, manager, unit="HQ", fte=1.0):
        return {"ASSOCIATE ID": pid, "legal first name": first_name, "Legal_Last_Name": last_name,
                "Job Title Description": title, "Reports To Associate Id": manager,
                "Home Department Description": unit, "location description": "Port Ellery", "fte": fte,
                "Gender": "female"}

    ceo = people.iloc[0]["ASSOCIATE ID"]
    sharer = people.iloc[-1]  # a part-time post shared by two people
    people.loc[people.index[-1], "fte"] = 0.5
    extra = [
        person("301", "Vera", "Coppermere", "Interim Chief Operating Officer", None),
        {**sharer.to_dict(), "legal first name": "Lumi", "Legal_Last_Name": "Ferncott", "fte": 0.5},
        person(people.iloc[5]["ASSOCIATE ID"], "Kit", "Pebbleby", "Temporary Analyst", "301"),
        person("302", "Nils", "Rookwick", "Consultant", "303"),
        person("303", "Tilde", "Larkvale", "Consultant", "304"),
        person("304", "Bram", "Sorrelthorn", "Consultant", "302"),
        person("305", "Gus", "Wrenmere", "Facilities Clerk", "305"),
        person("306", "Ines", "Nettleby", "Driver", "9999"),
        person("007", "Otto", "Tansyvale", "Security Officer", ceo),
        person("307", "Pia", "Cinderwick", "Receptionist", "0042"),
        person(None, "Hale", "Quillington", "Intern", ceo),
    ]
    first_extra = len(people) + 2  # spreadsheet row of the first added row (header = row 1)
    seven = int(np.flatnonzero(people["ASSOCIATE ID"].to_numpy() == "7")[0]) + 2
    row = lambda k: first_extra + k  # noqa: E731
    HARBOR_WHERE.update({
        "zero7": f"people.csv rows {seven} (`7`) and {row(8)} (`007`)",
        "ceo": f"people.csv row 2 (id `{ceo}`)",
        "root2": f"people.csv row {row(0)} (id `301`)",
        "share": f"people.csv rows {len(people) + 1} and {row(1)} (id `{sharer['ASSOCIATE ID']}`)",
        "dup": f"people.csv rows 7 and {row(2)} (id `{people.iloc[5]['ASSOCIATE ID']}`)",
        "cycle": f"people.csv rows {row(3)}-{row(5)} (ids `302` -> `303` -> `304` -> `302`)",
        "self": f"people.csv row {row(6)} (id `305`)",
        "orphan": f"people.csv row {row(7)} (id `306`)",
        "zeros": f"people.csv row {row(9)} (id `307`)",
        "blank": f"people.csv row {row(10)}",
    })
    people = pd.concat([people, pd.DataFrame(extra)], ignore_index=True)

    flows, decisions, relations = _native(model, ids)
    bad_flows = pd.DataFrame([
        {"source": "HQ", "target": flows.iloc[1]["target"], "amount": "-2500", "kind": "budget",
         "period": "2026-Q2", "currency": "EUR"},
        {"source": "HQ", "target": flows.iloc[2]["target"], "amount": "TBC", "kind": "budget",
         "period": "2026-Q3", "currency": "EUR"},
        {"source": "HQ", "target": "ZZ-OLD", "amount": "1200", "kind": "budget", "period": "2026-Q1",
         "currency": "EUR"},
    ])
    HARBOR_WHERE.update({
        "negative": f"flows.csv row {len(flows) + 2}",
        "text": f"flows.csv row {len(flows) + 3}",
        "endpoint": f"flows.csv row {len(flows) + 4}",
        "role": f"decisions.csv row {len(decisions) + 2}",
    })
    flows = pd.concat([flows.astype({"amount": object}), bad_flows], ignore_index=True)
    bad_role = decisions.iloc[[0]].assign(role="Z")
    decisions = pd.concat([decisions, bad_role], ignore_index=True)
    return Org(people, flows, decisions, relations), model


ORGS = {
    "northwind_command": (northwind_command, "workday"),
    "riverbank_coop": (riverbank_coop, "bamboohr"),
    "meridian_matrix": (meridian_matrix, "successfactors"),
    "harbor_dirty": (harbor_dirty, "adp"),
}

DESCRIPTIONS = {
    "northwind_command": (
        "Northwind Freight & Supply",
        "A steep command-and-control company: a deep tree (eight reporting layers, spans of about four), "
        "budgets that only flow down, with head office funding every unit directly, every decision taken alone by the manager over "
        "their team (one per team signed off by the chief executive), and advice that only points down. "
        "`make demo` audits this org.",
        "Workday worker export (`Employee ID`, `Worker`, `Manager ID`, `Supervisory Organization`, ...).",
    ),
    "riverbank_coop": (
        "Riverbank Bakers' Cooperative",
        "A worker cooperative: three layers (a convenor, team coordinators, members), small self-managing "
        "teams, money that is pooled and returned and traded between teams, accountability that rotates "
        "between members with two who must agree and the rest consulted, and reciprocated collaboration.",
        "BambooHR export: the manager is given by name in `Reports To` (names are unique, so each resolves). "
        "`decisions.csv` is a wide RACI matrix: one row per decision, one column per member id, the role in the cell.",
    ),
    "meridian_matrix": (
        "Meridian Systems",
        "A matrix organisation: a corporate hierarchy where about a quarter of the bottom teams work the "
        "mutual way, some units return part of their budget (chargebacks), and about one person in ten "
        "also answers to a dotted-line (matrix) manager in another unit.",
        "SAP SuccessFactors user data file (`USERID`, `MANAGER`, `MATRIX_MANAGER`, `DEPARTMENT`, ...).",
    ),
    "harbor_dirty": (
        "Harbor Logistics (dirty export)",
        "A deliberately dirty export of a mixed organisation, for trying the validator: every fault listed "
        "below is in the files on purpose, and `orgpower validate sample_orgs/harbor_dirty` reports each.",
        "ADP Workforce Now export, saved from Excel on Windows: Windows-1252 encoding, semicolons, CRLF.",
    ),
}


# --------------------------------------------------------------------------- writing


def _csv(frame: pd.DataFrame, path: Path, **options) -> None:
    frame.to_csv(path, index=False, float_format="%.10g", **options)


def _readme(name: str, org: Org) -> str:
    title, what, fmt = DESCRIPTIONS[name]
    long_decisions = "actor" in org.decisions.columns
    decision_rows = len(org.decisions) if long_decisions else int(org.decisions.iloc[:, 2:].notna().sum().sum())
    lines = [
        f"# {title}",
        "",
        what,
        "",
        "All names are invented; no row describes a real person or company. Written by "
        "`scripts/make_sample_orgs.py` (deterministic: run it again to get the same files).",
        "",
        "## Format",
        "",
        f"- `people.csv`: {fmt}",
        "- `flows.csv`, `relations.csv`: the native format of docs/input-formats.md (`source`, `target`, "
        "`amount`/`relation`, ...); flows name people or units (the unit codes of the people file).",
        "- `decisions.csv`: " + ("native long RACI rows (`decision`, `actor`, `role`, `domain`, `affects`)."
                                 if long_decisions else "a wide RACI matrix (see above)."),
        "",
        "## Sizes",
        "",
        "| file | rows |",
        "|---|---|",
        f"| people.csv | {len(org.people)} |",
        f"| flows.csv | {len(org.flows)} |",
        f"| decisions.csv | {len(org.decisions)}" + ("" if long_decisions else f" decisions ({decision_rows} filled cells)") + " |",
        f"| relations.csv | {len(org.relations)} ({', '.join(sorted(org.relations['relation'].unique()))}) |",
        "",
    ]
    if name == "harbor_dirty":
        lines += [
            "## What is wrong in it",
            "",
            "Each fault and the problem code `orgpower validate` gives it (a blank code: handled "
            "silently, as it should be). tests/test_sample_orgs.py checks that the errors and warnings "
            "are exactly the codes in this table.",
            "",
            "| fault | where | code |",
            "|---|---|---|",
        ]
        lines += [f"| {what} | {where.format(**HARBOR_WHERE)} | {f'`{code}`' if code else ''} |"
                  for what, where, code in HARBOR_FAULTS]
        lines.append("")
    return "\n".join(lines)


def write_org(name: str, folder: Path) -> int:
    """Write one org's files and README; returns the number of rows in its people file."""
    make, _vendor = ORGS[name]
    org, _model = make()
    folder.mkdir(parents=True, exist_ok=True)
    if name == "harbor_dirty":
        _csv(org.people, folder / "people.csv", sep=";", encoding="cp1252", lineterminator="\r\n")
    else:
        _csv(org.people, folder / "people.csv")
    _csv(org.flows, folder / "flows.csv")
    _csv(org.decisions, folder / "decisions.csv")
    _csv(org.relations, folder / "relations.csv")
    (folder / "README.md").write_text(_readme(name, org), encoding="utf-8")
    return len(org.people)


def _index(sizes: dict[str, int]) -> str:
    lines = [
        "# Sample orgs",
        "",
        "Fictional organisations for trying orgpower, each exported in a different HR system's format. "
        "Written by `scripts/make_sample_orgs.py`; each folder's README says what it is.",
        "",
        "| folder | organisation | rows in people.csv | people file format |",
        "|---|---|---|---|",
    ]
    for name, (_, vendor) in ORGS.items():
        lines.append(f"| `{name}/` | {DESCRIPTIONS[name][0]} | {sizes[name]} | {vendor} |")
    lines += ["", "Try: `orgpower validate sample_orgs/harbor_dirty` or `orgpower audit sample_orgs/northwind_command`.", ""]
    return "\n".join(lines)


def write_all(out: Path) -> None:
    sizes = {name: write_org(name, out / name) for name in ORGS}
    (out / "README.md").write_text(_index(sizes), encoding="utf-8")


def _differences(a: Path, b: Path) -> list[str]:
    comparison = filecmp.dircmp(a, b)
    found = [str(Path(a.name) / f) for f in comparison.left_only + comparison.right_only + comparison.diff_files]
    for sub in comparison.common_dirs:
        found += _differences(a / sub, b / sub)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with sample_orgs/ instead of writing")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: sample_orgs/)")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "sample_orgs"
            write_all(fresh)
            differences = _differences(fresh, args.out)
        if differences:
            print("sample_orgs/ differs from what the script writes: " + ", ".join(differences), file=sys.stderr)
            return 1
        print("sample_orgs/ is up to date.")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "sample_orgs"
        write_all(fresh)
        for name in list(ORGS) + ["README.md"]:
            target = args.out / name
            if target.is_dir():
                shutil.rmtree(target)
            args.out.mkdir(parents=True, exist_ok=True)
            shutil.move(str(fresh / name), str(target))
    print(f"Wrote {len(ORGS)} sample orgs to {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
