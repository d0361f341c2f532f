"""Checks on canonical tables -> typed :class:`~orgpower.model.Problem` records.

Each check is a vectorised function over a frame that carries ``source_file`` and
``source_row`` columns; it returns what can be used plus the problems found, so the
policy "what can be analysed is analysed; every set-aside row is counted and explained"
is kept in one place. No check loops over rows in Python: cycles are found as strongly
connected components of the manager graph (scipy), depths by pointer doubling (numpy).

Problem codes (see docs/input-formats.md for the meaning and fix of each) are listed in
:data:`CODES` with their default severity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from orgpower.ingest.managers import HOW, PeopleKeys, Suspect, near_id, resolve_references
from orgpower.ingest.schemas import header_key
from orgpower.model import DECISION_ROLES, PEOPLE_COLUMNS, Problem

# code -> default severity. Listed once so the docs, the tests and the summary agree.
CODES: dict[str, str] = {
    "unreadable_file": "error",
    "empty_file": "error",
    "no_id_column": "error",
    "malformed_row": "warning",
    "blank_row": "info",
    "skipped_file": "info",  # warning for a headerless edge list in a folder (data not read)
    "non_tie": "info",
    "export_format": "info",
    "blank_id": "error",
    "duplicate_id": "error",  # warning for a job share
    "manager_not_found": "error",
    "ambiguous_manager_name": "error",
    "manager_resolution": "info",
    "manager_column_unused": "error",
    "too_many_tops": "error",
    "second_header_row": "info",
    "key_column": "info",
    "manager_id_as_decimal": "info",
    "manager_id_column_ignored": "warning",
    "manager_not_a_person": "warning",
    "self_manager": "error",
    "reporting_cycle": "error",
    "several_roots": "warning",
    "fte_groups": "info",
    "non_numeric_value": "warning",
    "non_numeric_amount": "error",
    "negative_amount": "error",
    "missing_value": "error",
    "unknown_role": "error",
    "unknown_actor": "warning",
    "unknown_endpoint": "warning",
    "unknown_person": "warning",
    "mapping_header_missing": "error",
    "duplicate_unit": "error",
    "unknown_parent_unit": "error",
    "unit_cycle": "error",
}

ROW_LIMIT = 200  # row-level problems listed per code and file; the rest are counted in one more
_PLAIN_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
NOT_DISCLOSED = frozenset({"n d", "nd", "n a", "na", "not disclosed", "redacted", "withheld", "null", "none", "nan"})


def as_mask(values: pd.Series | np.ndarray) -> np.ndarray:
    """A plain numpy bool array from a (possibly nullable) boolean Series; NA -> False."""
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


def _arrow_text(values: pd.Series | pd.Index | pa.Array | Iterable[str]) -> pa.Array:
    if isinstance(values, pa.Array) and pa.types.is_large_string(values.type):
        return values  # already what this returns (computed once by the caller)
    if not isinstance(values, (pd.Series, pd.Index)):
        values = pd.Index(list(values), dtype="str")
    array = pa.array(values.astype("str"))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


def is_in(values: pd.Series, known: pd.Series | pd.Index | Iterable[str]) -> np.ndarray:
    """``values.isin(known)`` as a numpy bool array (NA -> False), by Arrow's hash kernel:
    an order of magnitude faster than pandas' isin on millions of strings."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    found = pc.is_in(_arrow_text(values), value_set=_arrow_text(known), skip_nulls=True)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def row_problems(
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    *,
    code: str,
    message: str,
    suggestion: str,
    column: str | None = None,
    values: pd.Series | None = None,
    severity: str | None = None,
    ids: pd.Series | None = None,
    extra: pd.Series | None = None,
    extra2: pd.Series | None = None,
    limit: int = ROW_LIMIT,
) -> list[Problem]:
    """One problem per flagged row (``message`` may use ``{file}``, ``{row}``, ``{value}``,
    and ``{extra}``, ``{extra2}``: per-row text such as the person's name), at most
    ``limit`` per file, then one problem that counts the rest.

    ``frame`` must carry ``source_file`` and ``source_row``.
    """
    mask = as_mask(mask)
    if not mask.any():
        return []
    severity = severity or CODES[code]
    flagged = frame.loc[mask, ["source_file", "source_row"]]
    shown_values = None if values is None else values[mask]
    shown_ids = None if ids is None else ids[mask]
    shown_extra = None if extra is None else extra[mask]
    shown_extra2 = None if extra2 is None else extra2[mask]
    problems: list[Problem] = []
    for file, group in flagged.groupby("source_file", sort=False):
        positions = group.index[:limit]
        for position in positions:
            value = None if shown_values is None else shown_values.loc[position]
            value = None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)
            row = int(group.at[position, "source_row"])
            try:
                text = message.format(
                    file=file, row=row, value=value if value is not None else "(blank)",
                    extra="" if shown_extra is None else shown_extra.loc[position],
                    extra2="" if shown_extra2 is None else shown_extra2.loc[position],
                )
            except (KeyError, IndexError, ValueError):  # a template must never break the report
                text = f"{file} row {row}: {code} ({value if value is not None else 'blank'})."
            problems.append(Problem(
                code=code, severity=severity, file=str(file), row=row, column=column, value=value,
                message=text,
                suggestion=suggestion,
                ids=() if shown_ids is None or pd.isna(shown_ids.loc[position]) else (str(shown_ids.loc[position]),),
            ))
        rest = len(group) - len(positions)
        if rest > 0:
            problems.append(Problem(
                code=code, severity=severity, file=str(file), column=column,
                message=f"{file}: {rest} more rows with the same problem ({code}) are not listed one by one.",
                suggestion=suggestion,
            ))
    return problems


# --- values -----------------------------------------------------------------------------


def parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Text -> float. Returns the numbers (NaN where blank, not a number, or not finite)
    and a mask of cells that were filled but not a number. Thousands separators,
    currency signs and "not disclosed" markers (N/D, n/a, redacted) are understood; the
    latter read as blank.

    >>> numbers, bad = parse_numbers(pd.Series(["1,200", "£3.5", "N/D", "abc", None, "2,5", "52.000,00"]))
    >>> numbers.tolist()[:3], numbers.tolist()[5:], bad.tolist()
    ([1200.0, 3.5, nan], [2.5, 52000.0], [False, False, False, True, False, False, False])
    """
    text = values.astype("str").str.strip()
    text = text.where(text != "")
    filled = as_mask(text.notna())
    # Fast path: plain numbers (the vast majority) are recognised and cast by Arrow in
    # C++; only the odd cells go through the slower cleaning below.
    array = _arrow_text(text)
    plain = pc.fill_null(pc.match_substring_regex(array, _PLAIN_NUMBER), False)
    numbers = pc.cast(pc.if_else(plain, array, pa.scalar(None, pa.large_string())), pa.float64())
    numbers = numbers.to_numpy(zero_copy_only=False).astype(float)
    retry = filled & np.isnan(numbers)
    undisclosed = np.zeros(len(text), bool)
    if retry.any():
        odd = text[retry]
        cleaned = odd.str.replace(r"[£$€¥\s]", "", regex=True)
        # "1,200" / "1,200.50" are thousands; a lone comma "3,5" is a decimal comma.
        thousands = as_mask(cleaned.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?"))
        cleaned = cleaned.mask(thousands, cleaned.str.replace(",", "", regex=False))
        # "52.000,00" / "1.200,5": European thousands dots with a decimal comma.
        european = as_mask(cleaned.str.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+"))
        cleaned = cleaned.mask(european, cleaned.str.replace(".", "", regex=False))
        decimal_comma = as_mask(cleaned.str.fullmatch(r"-?\d+,\d+"))
        cleaned = cleaned.mask(decimal_comma, cleaned.str.replace(",", ".", regex=False))
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        marker = odd.str.lower().str.replace(r"[^a-z]+", " ", regex=True).str.strip()
        undisclosed[retry] = is_in(marker, NOT_DISCLOSED)
    finite = np.isfinite(numbers)
    numbers[~finite] = np.nan
    bad = filled & ~undisclosed & ~finite
    return pd.Series(numbers, index=values.index), bad


# --- people -----------------------------------------------------------------------------


def check_blank_ids(people: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    blank = as_mask(people["person_id"].isna())
    problems = row_problems(
        people, blank, code="blank_id", column="person_id",
        message="{file} row {row} has no id; the row was set aside.",
        suggestion="Give every person or post an id (any text, unique in the bundle).",
    )
    return (people.loc[~blank] if blank.any() else people), problems


def check_duplicates(people: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep the first row of each id and set the others aside.

    A *job share* (one post held by part-timers: every row of the id has the same
    manager and title, at least one holder works part time, and the FTEs sum to less
    than 2) is a warning; any other repeated id is an error.
    """
    ids = people["person_id"]
    repeated = as_mask(ids.duplicated(keep=False))
    if not repeated.any():
        return people, []
    dup = people.loc[repeated]
    fte = dup["fte"] if "fte" in dup else pd.Series(np.nan, index=dup.index)
    group = dup.groupby("person_id", sort=False)
    same_line = (group["manager_ref"].nunique(dropna=False) == 1) & (group["title"].nunique(dropna=False) == 1)
    part_time = group[fte.name].min() < 1 if "fte" in dup else pd.Series(False, index=same_line.index)
    fte_total = group[fte.name].sum(min_count=1) if "fte" in dup else pd.Series(np.nan, index=same_line.index)
    job_share = same_line & part_time.fillna(False) & (fte_total < 2).fillna(False)
    problems: list[Problem] = []
    # One problem per repeated id, listed up to ROW_LIMIT ids; the rest are counted.
    listed = pd.Index(dup["person_id"].drop_duplicates()[:ROW_LIMIT])
    shown = dup[is_in(dup["person_id"], listed)].groupby("person_id", sort=False)
    first_rows = shown["source_row"].apply(list)
    files = shown["source_file"].apply(list)
    names = shown["name"].apply(list) if "name" in dup else None
    # people who name a repeated id as their manager: they report to the row kept
    reports = people["manager_ref"].value_counts() if "manager_ref" in people else pd.Series(dtype="int64")
    n_ids = int(dup["person_id"].nunique())
    if n_ids > ROW_LIMIT:
        problems.append(Problem(
            code="duplicate_id", severity="error",
            message=(f"{n_ids - ROW_LIMIT} more ids appear on several rows ({int(repeated.sum())} rows in all "
                     f"carry a repeated id); for each, the first row was kept and the others set aside."),
            suggestion="Give each person or post a unique id, or remove the repeated rows.",
        ))
    for person_id, rows in first_rows.items():
        share = bool(job_share.get(person_id, False))
        where = ", ".join(f"{f} row {r}" for f, r in zip(files[person_id][:10], rows[:10]))
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        if share:
            message = (f"Id {person_id!r} appears on {len(rows)} rows ({where}{more}) with the same manager and title "
                       f"and part-time FTE: read as a job share; the first row was kept and the others set aside.")
            suggestion = "Nothing to do if this is a job share; otherwise give each post its own id."
        else:
            who = [] if names is None else [n for n in names[person_id] if isinstance(n, str)]
            kept = f" ({who[0]})" if who and len(who) == len(rows) else ""
            aside = ", ".join(f"{n} ({f} row {r})" for n, f, r in zip(who[1:6], files[person_id][1:6], rows[1:6])) \
                if kept else ""
            count = int(reports.get(person_id, 0))
            moved = (f"; the {count} {'person' if count == 1 else 'people'} naming {person_id!r} as manager now "
                     f"report{'s' if count == 1 else ''} to the row kept{kept}" if count else "")
            message = (f"Id {person_id!r} appears on {len(rows)} rows ({where}{more}); the first row{kept} was kept and "
                       f"{len(rows) - 1} set aside{': ' + aside if aside else ''}{moved}.")
            suggestion = "Give each person or post a unique id, or remove the repeated rows."
        problems.append(Problem(
            code="duplicate_id", severity="warning" if share else "error", file=str(files[person_id][0]),
            row=int(rows[1]), column="person_id", value=str(person_id), message=message,
            suggestion=suggestion, ids=(str(person_id),),
            names=() if names is None else tuple(n for n in names[person_id] if isinstance(n, str)),
        ))
    keep = ~as_mask(ids.duplicated(keep="first"))
    return people.loc[keep], problems


@dataclass(frozen=True)
class FileGuard:
    """What the guard against a misread flat org knows of one people file: the manager
    columns used (best first), the export's top markers (``NO_MANAGER``, ``XX``), and
    how to find the columns that look like a manager reference (computed only when the
    guard needs them)."""

    file: str
    manager_columns: tuple[str, ...]
    top_markers: tuple[str, ...] = ()
    suspects: Callable[[], list[Suspect]] = field(default=lambda: [], compare=False)


# The guard: more than this share of a file's people without any manager given (and at
# least TOP_MINIMUM of them) reads as a manager column missed, not as a real org.
TOP_SHARE = 0.2
TOP_MINIMUM = 3
GUARD_CODES = frozenset({"manager_column_unused", "too_many_tops"})


def validate_people(people: pd.DataFrame, guards: list[FileGuard], problems: list[Problem], *,
                    flat_org: bool = False, other_layers: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical people rows (manager references unresolved) -> (validated people,
    reporting arcs solid and dotted). One pass, in order: blank ids, repeated ids,
    manager references resolved, reporting cycles broken, the flat-org guard, tops."""
    people = people.reset_index(drop=True)
    people, found = check_blank_ids(people)
    problems += found
    people, found = check_duplicates(people)
    problems += found
    people = people.reset_index(drop=True)
    keys = PeopleKeys.of(people)
    markers = tuple(dict.fromkeys(m for g in guards for m in g.top_markers))
    manager, how, found = check_managers(people, keys, markers=markers)
    problems += found
    manager, found = break_cycles(people, manager)
    problems += found
    problems += check_flat_org(people, how, guards, flat_org=flat_org, other_layers=other_layers)
    problems += several_roots(people, manager)
    people["manager_id"] = manager.astype("str")
    solid = pd.DataFrame({"source": people["manager_id"], "target": people["person_id"], "line": "solid"})
    solid = solid[as_mask(solid["source"].notna())]
    dotted = pd.DataFrame({c: pd.Series(dtype="str") for c in ("source", "target", "line")})
    if as_mask(people["dotted_ref"].notna()).any():
        # several dotted managers in one cell: one row each
        long = people[["person_id", "source_file", "source_row", "name"]].assign(
            dotted_ref=people["dotted_ref"].str.split(";")).explode("dotted_ref")
        long["dotted_ref"] = long["dotted_ref"].str.strip()
        long = long[as_mask(long["dotted_ref"].notna() & (long["dotted_ref"] != ""))]
        dotted_manager, _, found = check_managers(long, keys, ref_column="dotted_ref", dotted=True)
        problems += found
        dotted = pd.DataFrame({"source": dotted_manager, "target": long["person_id"], "line": "dotted"})
        dotted = dotted[as_mask(dotted["source"].notna())]
    reporting = pd.concat([solid, dotted], ignore_index=True).astype({"source": "str", "target": "str", "line": "str"})
    people = people.drop(columns=[c for c in people.columns if c.startswith("_") or c in ("manager_ref", "dotted_ref")])
    ordered = list(PEOPLE_COLUMNS) + [c for c in people.columns if c not in PEOPLE_COLUMNS]
    return people[ordered], reporting


def check_flat_org(people: pd.DataFrame, how: pd.Series, guards: list[FileGuard], *,
                   flat_org: bool = False, other_layers: bool = False) -> list[Problem]:
    """The guard against reading an org as flat by mistake, per people file: a column
    that looks like a manager reference while no manager column was used
    (``manager_column_unused``), or more than :data:`TOP_SHARE` of the people without
    any manager given (``too_many_tops``). Both are errors naming the suspected column
    (``column``) and the mapping line that would use it (``value`` = the canonical
    column), unless ``flat_org`` says the org really is flat. A people file with no
    manager column and nothing that looks like one, in a bundle whose org is given by
    other ties (flows, decisions, relations: a network study), is only warned about:
    there is no manager column to have missed."""
    problems: list[Problem] = []
    no_manager = as_mask(how.isna() | how.isin(("no_manager", "not_a_person")))
    persons = as_mask(people["kind"] != "fte_group")
    for guard in guards:
        rows = as_mask(people["source_file"] == guard.file) & persons
        n, tops = int(rows.sum()), int((no_manager & rows).sum())
        if not n:
            continue
        flat = tops >= TOP_MINIMUM and tops > TOP_SHARE * n
        if guard.manager_columns and not flat:
            continue
        suspects = guard.suspects()
        if not guard.manager_columns and suspects:
            suspect = suspects[0]
            others = ", ".join(f"'{s.header}'" for s in suspects[1:4])
            problems.append(Problem(
                code="manager_column_unused", severity="warning" if flat_org else "error", file=guard.file,
                column=suspect.header, value=suspect.canonical,
                message=(f"{guard.file}: column '{suspect.header}' looks like each person's manager ({suspect.reason}), "
                         f"but no manager column was used, so {tops} of {n} people come out without a manager"
                         f"{'; also suspected: ' + others if others else ''}. The mapping line "
                         f"'{suspect.canonical},{suspect.header}' would use it."),
                suggestion=_mapping_advice(suspect, flat_org),
            ))
            continue
        if not flat:
            continue
        suspect = suspects[0] if suspects else None
        network = not guard.manager_columns and suspect is None and other_layers
        used = " and ".join(f"'{h}'" for h in guard.manager_columns)
        if guard.manager_columns:
            cause = f"the manager column {used} is blank for them"
        else:
            cause = "no column of the file was recognised as the manager"
        problems.append(Problem(
            code="too_many_tops", severity="info" if flat_org else ("warning" if network else "error"), file=guard.file,
            column=suspect.header if suspect else None, value=suspect.canonical if suspect else None,
            message=(f"{guard.file}: {tops} of {n} people ({tops / n:.0%}) have no manager ({cause}), so the org "
                     f"would be read as {'nearly ' if tops < n else ''}flat"
                     + (f"; column '{suspect.header}' looks like the manager ({suspect.reason}): the mapping line "
                        f"'{suspect.canonical},{suspect.header}' would use it." if suspect else ".")
                     + (" Read as flat, as you said." if flat_org else
                        " The other layers (flows, decisions, relations) are read as given." if network else "")),
            suggestion=(_mapping_advice(suspect, flat_org) if suspect else
                        "Nothing to do." if flat_org else
                        "Export the manager column too (or give a mapping file with --mapping naming it, e.g. "
                        "'manager_id,Manager ID'); if the org really is flat, say so with --flat-org."),
        ))
    return problems


def _mapping_advice(suspect: Suspect | None, flat_org: bool) -> str:
    if suspect is None or flat_org:
        return "Nothing to do if the org really has no reporting lines."
    return (f"Put the line '{suspect.canonical},{suspect.header}' in a mapping file (CSV with header "
            f"'canonical,header') and run again with --mapping FILE; if the org really is flat, say so with --flat-org.")


def check_managers(
    people: pd.DataFrame, keys: PeopleKeys, *, ref_column: str = "manager_ref", markers: Iterable[str] = (),
    dotted: bool = False,
) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """The manager id of each person after resolution, how each reference was resolved
    (see :data:`~orgpower.ingest.managers.HOW`), and the problems.

    A reference that fits several people is ambiguous and never guessed; one that
    matches nobody is ``manager_not_found`` (with the near id it most likely meant), or
    ``manager_not_a_person`` when it reads like a body ("Board of Directors"); a
    no-manager token leaves the person at the top. A person named as their own manager
    is the top of the org when they are its only top (the convention of org-chart
    tools, told as info), else an error. Unresolved references leave the person at the top.
    """
    what = "dotted-line manager" if dotted else "manager"
    ref = people[ref_column]
    resolved, how = resolve_references(ref, keys, markers)
    own = people["person_id"].astype("str")
    problems: list[Problem] = []

    def person(mask: np.ndarray) -> pd.Series:
        """'id' (name) of the flagged rows only (a million labels are not made for three)."""
        labels = pd.Series("", index=people.index, dtype="object")
        if mask.any():
            labels[mask] = own[mask].map(keys.label)
        return labels

    ambiguous = as_mask(how == "ambiguous")
    problems += row_problems(
        people, ambiguous, code="ambiguous_manager_name", column=ref_column, values=ref,
        severity="warning" if dotted else None, ids=people["person_id"], extra=person(ambiguous),
        message=f"{{file}} row {{row}}: the {what} name '{{value}}' of {{extra}} fits several people; that line was set aside.",
        suggestion="Use the manager's id, or make the names unique (e.g. add a middle initial).",
    )
    body = as_mask(how == "not_a_person")
    problems += row_problems(
        people, body, code="manager_not_a_person", column=ref_column, values=ref, ids=people["person_id"],
        message=f"{{file}} row {{row}}: the {what} '{{value}}' is not a person; the row is treated as a top of the hierarchy.",
        suggestion="Leave the manager blank for the top of the organisation, or give the id of the person it reports to.",
    )
    not_found = as_mask(how == "unmatched")
    near = pd.Series(None, index=people.index, dtype="object")
    hint = pd.Series("", index=people.index, dtype="object")
    if not_found.any():  # only the rows not found are looked at
        near[not_found] = ref[not_found].map(lambda value: near_id(value, keys))
        found_near = as_mask(near.notna())
        hint[found_near] = near[found_near].map(
            lambda n: f" (an id differs only in case or leading zeros: did you mean {keys.label(n)}?)")
    has_near = as_mask(near.notna())
    scope = "an id, employee number, email or unique name" if not dotted else "an id or unique name"
    for mask, suggestion in (
        (not_found & ~has_near, "Check the manager reference for typos, or add the manager's own row."),
        (not_found & has_near, "Ids are compared as text: write the manager id exactly as in the id column."),
    ):
        problems += _not_found(people, mask, ref, person(mask), hint, what, scope, dotted, suggestion)

    decimal = as_mask(how == "decimal")
    if decimal.any():
        first = ref[decimal].iloc[0]
        problems.append(Problem(
            code="manager_id_as_decimal", severity="info", column=ref_column,
            message=f"{int(decimal.sum())} {what} ids were written as decimals (e.g. '{first}') and read as the id without '.0'.",
            suggestion="Export the manager id column as text.",
        ))
        how = how.where(~decimal, "id")

    self_line = as_mask(resolved.notna() & (resolved == own))
    how = how.where(~self_line, "self")
    other_tops = as_mask(how.isna() | how.isin(("no_manager", "not_a_person"))) & ~self_line
    convention = not dotted and self_line.sum() == 1 and not other_tops.any()
    problems += row_problems(
        people, self_line, code="self_manager", column=ref_column, values=ref, ids=people["person_id"],
        severity="info" if convention else ("warning" if dotted else None), extra=person(self_line),
        message=(f"{{file}} row {{row}}: {{extra}} is given as their own {what}, the way org-chart tools mark the "
                 f"top; read as the top of the org." if convention else
                 f"{{file}} row {{row}}: {{extra}} is given as their own {what}; the line was set aside."),
        suggestion=("Nothing to do." if convention else
                    "Leave the manager blank at the top of the organisation, or give the real manager's id."),
    )
    resolved = resolved.where(~self_line)
    problems += _resolution_counts(people, how, what)
    return resolved.astype("object").where(resolved.notna(), None), how, problems


def _not_found(people: pd.DataFrame, mask: np.ndarray, ref: pd.Series, person: pd.Series, hint: pd.Series,
               what: str, scope: str, dotted: bool, suggestion: str) -> list[Problem]:
    return row_problems(
        people, mask, code="manager_not_found", column="manager_ref" if not dotted else "dotted_ref", values=ref,
        ids=people["person_id"], severity="warning" if dotted else None, extra=person, extra2=hint,
        message=(f"{{file}} row {{row}}: {what} '{{value}}' of {{extra}} is not {scope} of anyone in the bundle"
                 f"{{extra2}}; the row is kept {'without that dotted line' if dotted else 'as a top of the hierarchy'}."),
        suggestion=suggestion,
    )


def _resolution_counts(people: pd.DataFrame, how: pd.Series, what: str) -> list[Problem]:
    """One info problem per file: how many references were matched by id, employee
    number, email and name, how many are ambiguous or unmatched, how many say none."""
    problems = []
    words = (("id", "by id"), ("number", "by employee number"), ("email", "by email"), ("name", "by name"))
    others = (("ambiguous", "ambiguous"), ("unmatched", "unmatched"), ("not_a_person", "not a person"),
              ("no_manager", "saying no manager"), ("self", "naming the person themself"))
    for file, group in how.groupby(people["source_file"], sort=False):
        counts = group.value_counts()
        given = int(counts.sum())
        if not given or set(counts.index) <= {"id", "no_manager"}:
            continue  # every manager an id (or none): nothing to say
        matched = sum(int(counts.get(k, 0)) for k, _ in words)
        parts = ", ".join(f"{int(counts[k])} {label}" for k, label in words if counts.get(k, 0))
        rest = ", ".join(f"{int(counts[k])} {label}" for k, label in others if counts.get(k, 0))
        problems.append(Problem(
            code="manager_resolution", severity="info", file=str(file),
            value=";".join(f"{k}={int(counts.get(k, 0))}" for k in HOW),
            message=(f"{file}: {matched} of {given} {what} references were matched"
                     f"{' (' + parts + ')' if parts else ''}{'; ' + rest if rest else ''}."),
            suggestion="Nothing to do unless some are ambiguous or unmatched (listed separately).",
        ))
    return problems


def parent_index(person_ids: pd.Series, manager_ids: pd.Series) -> np.ndarray:
    """Position of each person's manager in ``person_ids`` (-1 at the top); ids unique.

    >>> parent_index(pd.Series(["a", "b", "c"]), pd.Series([None, "a", "b"])).tolist()
    [-1, 0, 1]
    """
    if len(person_ids) == 0:
        return np.zeros(0, dtype=np.int64)
    managers = pd.Series(manager_ids.to_numpy(dtype=object), dtype="str")  # None/NaN -> missing
    position = pc.index_in(_arrow_text(managers), value_set=_arrow_text(person_ids))
    return position.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def find_cycles(parent: np.ndarray) -> tuple[np.ndarray, int]:
    """Cycles of a parent array (each node at most one parent; -1 at a top).

    Where every node has at most one parent, every strongly connected component of more
    than one node is exactly one cycle. Returns the first member (lowest position) of
    each cycle (cycles in the order scipy labels them), and how many nodes lie on cycles.

    >>> find_cycles(np.array([1, 2, 0, -1, 3]))
    (array([0]), 3)
    """
    n = len(parent)
    has = parent >= 0
    if not has.any():
        return np.zeros(0, dtype=np.int64), 0
    graph = sp.csr_array((np.ones(int(has.sum())), (np.flatnonzero(has), parent[has])), shape=(n, n))
    count, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    on_cycle = sizes[labels] > 1
    if not on_cycle.any():
        return np.zeros(0, dtype=np.int64), 0
    members = np.flatnonzero(on_cycle)
    order = np.lexsort((members, labels[members]))
    members = members[order]
    starts = members[np.r_[True, labels[members][1:] != labels[members][:-1]]]
    return starts, int(on_cycle.sum())


def walk_cycle(parent: np.ndarray, start: int) -> list[int]:
    """The positions of the cycle through ``start``, in parent order (costs its length)."""
    cycle = [int(start)]
    node = parent[start]
    while node != start:
        cycle.append(int(node))
        node = parent[node]
    return cycle


def break_cycles(people: pd.DataFrame, manager_ids: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Find every reporting cycle and break it visibly.

    In a graph where each person has at most one manager, every strongly connected
    component of more than one person is exactly one cycle. For each, the line of its
    member that comes first in the file is set aside (that member becomes a top), and
    one ``reporting_cycle`` problem lists the whole cycle in order (person, their
    manager, ...).
    """
    parent = parent_index(people["person_id"], manager_ids)
    starts, on_cycle = find_cycles(parent)
    if not len(starts):
        return manager_ids, []
    ids = people["person_id"].to_numpy(dtype=object)
    files = people["source_file"].to_numpy(dtype=object)
    rows = people["source_row"].to_numpy()
    problems: list[Problem] = []
    cut = manager_ids.copy()
    cut.iloc[starts] = None  # every cycle is broken at once; messages for the first ones
    if len(starts) > ROW_LIMIT:
        problems.append(Problem(
            code="reporting_cycle", severity="error",
            message=(f"{len(starts) - ROW_LIMIT} more reporting cycles ({on_cycle} people on cycles in all); "
                     f"each was broken by setting aside the line of its member that comes first in the file."),
            suggestion="Correct the managers so that every chain ends at the top of the organisation.",
        ))
    for start in starts[:ROW_LIMIT]:
        cycle = walk_cycle(parent, start)
        path = " -> ".join(str(ids[i]) for i in cycle[:12]) + (" -> ..." if len(cycle) > 12 else "") + f" -> {ids[start]}"
        problems.append(Problem(
            code="reporting_cycle", severity="error", file=str(files[start]), row=int(rows[start]),
            column="manager_id", value=str(ids[parent[start]]),
            message=(f"Reporting cycle of {len(cycle)} ({path}, each reporting to the next); the line "
                     f"'{ids[start]} reports to {ids[parent[start]]}' ({files[start]} row {rows[start]}) was set "
                     f"aside to break it, so {ids[start]} is treated as a top."),
            suggestion="Correct the manager of one person in the cycle so that the chain ends at the top of the organisation.",
            ids=tuple(str(ids[i]) for i in cycle),
        ))
    return cut, problems


def reporting_depth(parent: np.ndarray) -> np.ndarray:
    """Layer of each node in an acyclic parent array (top = 1), by pointer doubling.

    O(n log depth) numpy work, no Python loop per node.

    >>> reporting_depth(np.array([-1, 0, 1, 1, -1])).tolist()
    [1, 2, 3, 3, 1]
    """
    # Invariant: depth[i] counts the nodes from i up to (not including) jump[i].
    depth = np.ones(len(parent), dtype=np.int64)
    jump = parent.astype(np.int64).copy()
    for _ in range(len(parent).bit_length() + 1):  # chains halve each round
        live = jump >= 0
        if not live.any():
            return depth
        idx = np.flatnonzero(live)
        depth[idx] += depth[jump[idx]]
        jump[idx] = jump[jump[idx]]
    raise ValueError("the parent array has a cycle; break cycles first (see break_cycles)")


def several_roots(people: pd.DataFrame, manager_ids: pd.Series) -> list[Problem]:
    tops = people.loc[as_mask(manager_ids.isna()), "person_id"]
    if len(tops) <= 1:
        return []
    shown = tops.astype(str).tolist()
    return [Problem(
        code="several_roots", severity="warning",
        message=(f"The reporting lines have {len(tops)} tops (people with no manager): "
                 f"{', '.join(shown[:10])}{' ...' if len(shown) > 10 else ''}; the org is analysed as a forest."),
        suggestion="If one person heads the organisation, give the others that person as manager.",
        ids=tuple(shown[:1000]),
    )]


# --- units --------------------------------------------------------------------------------


def check_units(units: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """A units table (``unit_id``, ``name``, ``parent_unit``, ``source_file``,
    ``source_row``) -> the usable units and the problems.

    Blank ids set aside (``blank_id``); a repeated id keeps its first row
    (``duplicate_unit``); a parent that is no unit id leaves the unit at the top
    (``unknown_parent_unit``); every cycle of parents (a unit its own parent included)
    is listed in order and broken at its member that comes first in the file
    (``unit_cycle``).
    """
    problems = row_problems(
        units, units["unit_id"].isna(), code="blank_id", column="unit_id",
        message="{file} row {row} has no unit id; the row was set aside.",
        suggestion="Give every unit an id (any text, unique in the file).",
    )
    units = units.loc[as_mask(units["unit_id"].notna())]
    repeated = as_mask(units["unit_id"].duplicated(keep="first"))
    problems += row_problems(
        units, repeated, code="duplicate_unit", column="unit_id", values=units["unit_id"], ids=units["unit_id"],
        message="{file} row {row}: unit id '{value}' was given on an earlier row too; this row was set aside.",
        suggestion="Give each unit one row, or distinct ids.",
    )
    units = units.loc[~repeated].reset_index(drop=True)
    parent = units["parent_unit"].astype("str")
    parent = parent.where(parent.notna() & (parent.str.strip() != ""))
    unknown = as_mask(parent.notna()) & ~is_in(parent, units["unit_id"])
    problems += row_problems(
        units, unknown, code="unknown_parent_unit", column="parent_unit", values=parent, ids=units["unit_id"],
        message="{file} row {row}: parent unit '{value}' is not a unit id of the file; the unit is kept at the top.",
        suggestion="Correct the parent unit id, or add the parent unit's own row.",
    )
    parent = parent.where(~unknown)
    own = as_mask(parent == units["unit_id"])
    position = parent_index(units["unit_id"], parent)
    position[own] = -1
    starts, _ = find_cycles(position)
    ids = units["unit_id"].to_numpy(dtype=object)
    for index in np.flatnonzero(own)[:ROW_LIMIT]:
        problems.append(_unit_cycle_problem(units, [int(index)], ids))
    for start in starts[:ROW_LIMIT]:
        problems.append(_unit_cycle_problem(units, walk_cycle(position, start), ids))
    rest = int(own.sum()) + len(starts) - min(int(own.sum()), ROW_LIMIT) - min(len(starts), ROW_LIMIT)
    if rest > 0:
        problems.append(Problem(
            code="unit_cycle", severity="error",
            message=f"{rest} more unit cycles were each broken at the unit that comes first in the file.",
            suggestion="Correct the parent units so that every chain ends at a top unit.",
        ))
    cut = own.copy()
    cut[starts] = True
    units["parent_unit"] = parent.where(~cut).astype("str")
    return units, problems


def _unit_cycle_problem(units: pd.DataFrame, cycle: list[int], ids: np.ndarray) -> Problem:
    start = cycle[0]
    parent = units["parent_unit"].iloc[start]
    path = " -> ".join(str(ids[i]) for i in cycle[:12]) + (" -> ..." if len(cycle) > 12 else "") + f" -> {ids[start]}"
    file, row = str(units["source_file"].iloc[start]), int(units["source_row"].iloc[start])
    what = "its own parent" if len(cycle) == 1 else f"on a cycle of {len(cycle)} units ({path}, each under the next)"
    return Problem(
        code="unit_cycle", severity="error", file=file, row=row, column="parent_unit", value=str(parent),
        message=(f"Unit '{ids[start]}' is {what}; its parent '{parent}' ({file} row {row}) was set aside to "
                 f"break it, so '{ids[start]}' is treated as a top unit."),
        suggestion="Correct the parent of one unit in the cycle so that the chain ends at a top unit.",
        ids=tuple(str(ids[i]) for i in cycle),
    )


# --- decisions ----------------------------------------------------------------------------

_RACI_LETTERS = {"r": "responsible", "a": "accountable", "c": "consulted", "i": "informed"}
_RAPID_LETTERS = {"r": "recommend", "a": "agree", "p": "responsible", "i": "consulted", "d": "accountable"}
_ROLE_WORDS = {
    "responsible": "responsible", "perform": "responsible", "performer": "responsible", "performs": "responsible",
    "accountable": "accountable", "decide": "accountable", "decides": "accountable", "decider": "accountable",
    "decision maker": "accountable", "owner": "accountable",
    "consulted": "consulted", "consult": "consulted", "input": "consulted",
    "informed": "informed", "inform": "informed",
    "recommend": "recommend", "recommends": "recommend", "recommender": "recommend",
    "agree": "agree", "agrees": "agree",
    "approve": "approve", "approves": "approve", "approver": "approve", "approval": "approve", "approved": "approve",
    "veto": "veto", "vetoes": "veto", "veto right": "veto",
}
_ROLE_SPLIT = re.compile(r"\s*(?:/|,|;|\+|&|\band\b)\s*")


def role_scheme(roles: pd.Series) -> str:
    """``"rapid"`` when the codes are RAPID letters (a D or P appears and no C), else ``"raci"``."""
    # the letters of the distinct cells are the letters of all cells (a million rows hold a few codes)
    codes = pd.Series(roles.dropna().astype(str).unique(), dtype=object)
    letters = set(codes.str.lower().str.split(r"[^a-z]+", regex=True).explode().dropna())
    return "rapid" if (letters & {"d", "p"}) and "c" not in letters else "raci"


def parse_role(cell: str, scheme: str = "raci") -> list[str | None]:
    """One role cell -> roles of :data:`~orgpower.model.DECISION_ROLES` (``None`` for a
    part that is no known role). Combinations ("A/R", "R, C", "AR") split.

    >>> [parse_role(c) for c in ("A/R", "Input", "veto", "X")]
    [['accountable', 'responsible'], ['consulted'], ['veto'], [None]]
    >>> parse_role("D", "rapid"), parse_role("R", "rapid")
    (['accountable'], ['recommend'])
    """
    letters = _RAPID_LETTERS if scheme == "rapid" else _RACI_LETTERS
    parts = [p for p in _ROLE_SPLIT.split(str(cell).strip().lower()) if p]
    out: list[str | None] = []
    for part in parts:
        word = " ".join(re.sub(r"[^a-z]+", " ", part).split())
        if word in _ROLE_WORDS:
            out.append(_ROLE_WORDS[word])
        elif word in letters:
            out.append(letters[word])
        elif word and len(word) <= 4 and all(ch in letters for ch in word.replace(" ", "")):
            out.extend(letters[ch] for ch in word.replace(" ", ""))  # "AR" = A and R
        else:
            out.append(None)
    return list(dict.fromkeys(out)) or [None]


def role_table(codes: pd.Series, scheme: str = "raci") -> tuple[pd.DataFrame, list[str]]:
    """Each distinct role cell parsed once: a long table ``code -> role`` of the known
    roles, and the cells that hold an unknown part (a million rows have few codes)."""
    pairs: list[tuple[str, str]] = []
    unknown: list[str] = []
    for code in codes.dropna().astype(str).unique():
        roles = parse_role(code, scheme)
        if None in roles:
            unknown.append(code)
        pairs.extend((code, role) for role in roles if role is not None)
    table = pd.DataFrame(pairs, columns=["_code", "role"]).astype("str")
    return table, unknown


assert set(_ROLE_WORDS.values()) <= set(DECISION_ROLES)


def split_ids(values: pd.Series) -> pd.Series:
    """"a; b, c" -> ["a", "b", "c"] (blank -> [NA]); vectorised string splitting.

    >>> split_ids(pd.Series(["a; b,c", None, " ;x;; "])).tolist()
    [['a', 'b', 'c'], [nan], ['x']]
    """
    text = values.astype("str")
    text = text.str.replace(r"\s*[;,][\s;,]*", ";", regex=True).str.strip(" ;")
    text = text.where(text != "")
    return text.str.split(";").map(lambda parts: parts if isinstance(parts, list) else [np.nan])


# split_ids' separator for Arrow's RE2, whose \\s is ASCII only: Python's \\s (every
# character with str.isspace) spelled out
_PY_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
_SEPARATOR_RE2 = f"[{_PY_SPACE}]*[;,][{_PY_SPACE};,]*"


def split_ids_flat(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """:func:`split_ids` as one long column: the ids of every cell in cell order (a blank
    cell gives one NA), with each cell's ``counts`` and ``starts`` in it; split in Arrow,
    no Python list per cell.

    >>> ids, counts, starts = split_ids_flat(pd.Series(["a; b,c", None, " ;x;; "]))
    >>> ids.tolist(), counts.tolist(), starts.tolist()
    (['a', 'b', 'c', nan, 'x'], [3, 1, 1], [0, 3, 4])
    """
    text = _arrow_text(values).cast(pa.string())  # Arrow text as it is held: no Python string per cell
    text = pc.utf8_trim(pc.replace_substring_regex(text, _SEPARATOR_RE2, ";"), " ;")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    lists = pc.split_pattern(text, ";")
    blank = lists.is_null().to_numpy(zero_copy_only=False)
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy().astype(np.int64)
    counts = np.where(blank, 1, lengths)
    starts = np.cumsum(counts) - counts
    flat = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    within = np.arange(len(flat)) - (np.cumsum(lengths) - lengths)[parent]
    take = np.full(int(counts.sum()), -1, dtype=np.int64)
    take[starts[parent] + within] = np.arange(len(flat))
    ids = flat.take(pa.array(take, mask=take < 0))
    return pd.Series(pd.array(ids, dtype="str")), counts, starts


def endpoint_problems(
    frame: pd.DataFrame, column: str, known: Iterable[str], *, code: str, severity: str, what: str,
    distinct: pa.Array | None = None,
) -> tuple[np.ndarray, list[Problem]]:
    """Endpoints that are neither a person id nor a known unit: one problem per distinct
    value (with its first row), returned mask of the rows affected."""
    values = frame[column]
    # Decide on the distinct values first: usually all are known and no row is touched.
    if distinct is None:
        distinct = pc.unique(_arrow_text(values)).drop_null()
    strangers = pc.filter(distinct, pc.invert(pc.is_in(distinct, value_set=_arrow_text(known))))
    if len(strangers) == 0:
        return np.zeros(len(frame), bool), []
    unknown = is_in(values, strangers.to_pylist())
    rows = frame.loc[unknown, ["source_file", "source_row", column]]
    first = rows.drop_duplicates(column)
    problems = []
    for _, record in first.head(ROW_LIMIT).iterrows():
        value = str(record[column])
        count = int((rows[column] == record[column]).sum())
        problems.append(Problem(
            code=code, severity=severity, file=str(record["source_file"]), row=int(record["source_row"]),
            column=column, value=value,
            message=(f"{record['source_file']} row {record['source_row']}: {what} '{value}' is not a person id "
                     f"or a unit of the people file ({count} row{'s' if count > 1 else ''}); it is kept as a unit."),
            suggestion="If it is a person, correct the id; if it is a unit, nothing to do.",
            ids=(value,),
        ))
    if len(first) > ROW_LIMIT:
        problems.append(Problem(
            code=code, severity=severity,
            message=f"{len(first) - ROW_LIMIT} more distinct {what}s are neither people nor known units; they are kept as units.",
            suggestion="If they are people, correct the ids.",
        ))
    return unknown, problems
