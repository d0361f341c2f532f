"""Export flavours of HR systems, recognised by their headers (a declarative table).

Each :class:`Vendor` says which headers identify the export (``signature``: every group
must have one header present) and which header feeds each canonical column of
``schemas.py`` (``columns``: alternatives, the first present wins). Headers are compared
after :func:`~orgpower.ingest.schemas.header_key`, so case, spaces, underscores and
punctuation do not matter. A file that matches no vendor is mapped by fuzzy matching
against :data:`~orgpower.ingest.schemas.SYNONYMS` (vendor ``"generic"``).

Whoever writes sample exports: these header sets are the ones recognised; write the
headers exactly as listed in ``columns``.

>>> detect(["Employee #", "First Name", "Last Name", "Reports To", "Job Title"]).vendor
'bamboohr'
>>> detect(["Employee #", "First Name", "Last Name", "Reports To"]).mapping["manager_name"]
'Reports To'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from orgpower.ingest.schemas import SCHEMAS, SYNONYMS, header_key


@dataclass(frozen=True)
class Vendor:
    """One export flavour: how to recognise it and how its headers map onto the bundle."""

    name: str
    kind: str  # "people" | "junior_posts" | "flows" | "decisions" | "relations"
    signature: tuple[tuple[str, ...], ...]  # each group: one of these headers must be present
    columns: Mapping[str, tuple[str, ...]]  # canonical column -> header alternatives
    top_markers: tuple[str, ...] = ()  # manager cells that mean "top of the hierarchy"
    note: str = ""  # said once (as an info problem) whenever the flavour is detected
    # Headers of this export that mean something else than their generic synonym says
    # (the HR data set's ManagerID is not an employee id): kept as attributes, never
    # mapped by the generic synonyms that otherwise fill every column the table leaves.
    ignore: tuple[str, ...] = ()
    # Numeric columns where the export writes 0 for "not disclosed" (read as blank).
    zero_means_missing: tuple[str, ...] = ()


VENDORS: tuple[Vendor, ...] = (
    Vendor(
        name="uk_organogram_senior",
        kind="people",
        signature=(("Post Unique Reference",), ("Reports to Senior Post",)),
        columns={
            "person_id": ("Post Unique Reference",),
            "manager_id": ("Reports to Senior Post",),
            "name": ("Name",),
            "level": ("Grade (or equivalent)", "Grade"),
            "title": ("Job Title",),
            "unit": ("Unit",),
            "fte": ("FTE",),
            "cost": ("Actual Pay Floor (£)",),
        },
        top_markers=("XX",),
        zero_means_missing=("cost",),  # pay floor 0 = not disclosed (SOURCE.md of the data set)
        note="UK organogram senior file: one row is a senior post; 'XX' marks the top; pay 0 or N/D is read as not disclosed.",
    ),
    Vendor(
        name="uk_organogram_junior",
        kind="junior_posts",
        signature=(("Reporting Senior Post",), ("Number of Posts in FTE",)),
        columns={
            "manager_id": ("Reporting Senior Post",),
            "level": ("Grade",),
            "title": ("Generic Job Title",),
            "fte": ("Number of Posts in FTE",),
            "unit": ("Unit",),
            "cost": ("Payscale Minimum (£)",),
        },
        zero_means_missing=("cost",),
        note=(
            "UK organogram junior file: each row is an FTE count at one grade under a senior post, "
            "not a person; it is kept as one 'fte_group' row with id '<senior post>/junior/<row>'."
        ),
    ),
    Vendor(
        name="workday",
        kind="people",
        signature=(("Employee ID",), ("Worker", "Supervisory Organization", "Business Title", "Job Profile")),
        columns={
            "person_id": ("Employee ID",),
            "manager_id": ("Manager ID", "Manager - ID", "Manager Employee ID"),
            "dotted_manager_id": ("Matrix Manager ID", "Matrix Manager - ID"),
            "name": ("Worker", "Legal Name", "Preferred Name"),
            "unit": ("Supervisory Organization", "Cost Center"),
            "title": ("Business Title", "Job Profile"),
            "location": ("Location",),
            "level": ("Management Level", "Job Level"),
            "fte": ("FTE",),
            "cost": ("Total Base Pay", "Annual Base Pay"),
        },
    ),
    Vendor(
        name="bamboohr",
        kind="people",
        signature=(("Employee #",),),
        columns={
            "person_id": ("Employee #",),
            "manager_name": ("Reports To",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "title": ("Job Title",),
            "unit": ("Department", "Division"),
            "location": ("Location",),
            "fte": ("FTE",),
        },
        note="BambooHR export: 'Reports To' holds the manager's name; names are resolved to ids where unique.",
    ),
    # BambooHR API / connector flattening (camelCase field names of the employees API):
    # 'id' is the employee id, 'supervisorId' the manager's id, 'supervisorEId' the
    # manager's employee number, 'supervisor' a name.
    Vendor(
        name="bamboohr_api",
        kind="people",
        signature=(("id",), ("supervisorEId", "supervisorId", "supervisorEmail")),
        columns={
            "person_id": ("id",),
            "employee_number": ("employeeNumber",),
            "manager_id": ("supervisorId", "supervisorEId"),
            "manager_email": ("supervisorEmail",),
            "manager_name": ("supervisor",),
            "name": ("displayName",),
            "first_name": ("firstName",),
            "last_name": ("lastName",),
            "email": ("workEmail",),
            "title": ("jobTitle",),
            "unit": ("department", "division"),
            "location": ("location",),
        },
        note="BambooHR API export: the manager is 'supervisorId' (an id) or 'supervisorEId' (an employee number).",
    ),
    Vendor(
        name="successfactors",
        kind="people",
        signature=(("USERID",), ("MANAGER",)),
        columns={
            "person_id": ("USERID",),
            "manager_id": ("MANAGER",),
            "first_name": ("FIRSTNAME",),
            "last_name": ("LASTNAME",),
            "title": ("TITLE",),
            "unit": ("DEPARTMENT", "DIVISION"),
            "location": ("LOCATION",),
            "dotted_manager_id": ("MATRIX_MANAGER",),
        },
        # SuccessFactors' own marker for the top of the tree; partner templates write NO_MGR
        top_markers=("NO_MANAGER", "NO_MGR"),
    ),
    Vendor(
        name="adp",
        kind="people",
        signature=(("Associate ID",),),
        columns={
            "person_id": ("Associate ID",),
            "manager_id": ("Reports To Associate ID",),
            "first_name": ("Legal First Name", "First Name"),
            "last_name": ("Legal Last Name", "Last Name"),
            "title": ("Job Title Description",),
            "unit": ("Home Department Description",),
            "location": ("Location Description",),
            "fte": ("FTE",),
        },
    ),
    # ADP Workforce Now API / connector flattening: workers keyed by associateOID, the
    # manager by workAssignments.reportsTo.associateOID, workerID the employee number.
    Vendor(
        name="adp_api",
        kind="people",
        signature=(("associateOID",),),
        columns={
            "person_id": ("associateOID",),
            "employee_number": ("workerID", "workerID.idValue"),
            "manager_id": ("workAssignments.reportsTo.associateOID", "reportsTo.associateOID"),
            "name": ("person.legalName.formattedName", "legalName.formattedName"),
            "email": ("businessCommunication.emails.emailUri",),
            "title": ("workAssignments.jobCode.longName", "jobCode.longName"),
            "unit": ("workAssignments.homeOrganizationalUnits.nameCode.longName",),
        },
    ),
    Vendor(
        name="hibob",
        kind="people",
        signature=(("Employee ID",), ("Display name",)),
        columns={
            "person_id": ("Employee ID",),
            "manager_id": ("Reports to Employee ID",),
            "manager_name": ("Work - Reports to",),
            "name": ("Display name",),
            "unit": ("Department",),
            "location": ("Site",),
            "title": ("Job title",),
            "fte": ("FTE",),
        },
    ),
    Vendor(
        name="personio",
        kind="people",
        signature=(("ID",), ("Supervisor",), ("First name", "Weekly working hours", "Office")),
        columns={
            "person_id": ("ID",),
            "manager_name": ("Supervisor",),
            "first_name": ("First name",),
            "last_name": ("Last name",),
            "unit": ("Department",),
            "title": ("Position",),
            "location": ("Office",),
            "fte": ("FTE",),
        },
        note="Personio export: 'Supervisor' holds the manager's name; names are resolved to ids where unique.",
    ),
    Vendor(
        name="rippling",
        kind="people",
        signature=(("Employee ID",), ("Employee Name",), ("Manager ID", "Manager", "Work Location")),
        columns={
            "person_id": ("Employee ID",),
            "manager_id": ("Manager ID",),
            "manager_name": ("Manager",),
            "name": ("Employee Name",),
            "unit": ("Department",),
            "title": ("Title",),
            "location": ("Work Location",),
            "fte": ("FTE",),
        },
    ),
    # Huebner & Patalano HR data set (Kaggle): ManagerID is a separate manager key, not
    # an EmpID, so the reporting line comes from ManagerName (see its SOURCE.md).
    Vendor(
        name="hr_dataset",
        kind="people",
        signature=(("EmpID",), ("Employee_Name",), ("ManagerName",)),
        columns={
            "person_id": ("EmpID",),
            "manager_name": ("ManagerName",),
            "name": ("Employee_Name",),
            "title": ("Position",),
            "unit": ("Department",),
            "location": ("State",),
            "cost": ("Salary",),
        },
        ignore=("ManagerID",),
        note="HR data set export: 'ManagerID' is not an employee id, so managers are resolved by 'ManagerName'.",
    ),
    # the native bundle: each kind recognised by its schema's required columns
    *(
        Vendor(
            name="native",
            kind=kind,
            signature=tuple((column,) for column in SCHEMAS[kind].required),
            columns={c: (c,) for c in SCHEMAS[kind].columns},
        )
        for kind in ("people", "flows", "decisions", "relations", "units")
    ),
)


@dataclass(frozen=True)
class Detection:
    """What a file was recognised as: kind, vendor, canonical column -> header in the file."""

    kind: str | None
    vendor: str
    mapping: dict[str, str] = field(default_factory=dict)
    top_markers: tuple[str, ...] = ()
    note: str = ""
    zero_means_missing: tuple[str, ...] = ()
    close: tuple[str, ...] = ()  # other formats whose signature the headers also fit


def _pick(keys: Mapping[str, str], alternatives: Iterable[str]) -> str | None:
    for alternative in alternatives:
        header = keys.get(header_key(alternative))
        if header is not None:
            return header
    return None


def _vendor_mapping(vendor: Vendor, keys: Mapping[str, str]) -> dict[str, str] | None:
    if any(_pick(keys, group) is None for group in vendor.signature):
        return None
    mapping = {}
    for canonical, alternatives in vendor.columns.items():
        header = _pick(keys, alternatives)
        if header is not None and header not in mapping.values():
            mapping[canonical] = header
    return mapping


def fuzzy_mapping(headers: Iterable[str], kind: str, *, taken: Iterable[str] = ()) -> dict[str, str]:
    """Map headers onto the canonical columns of ``kind`` by :data:`SYNONYMS`.

    Exact canonical names win over synonyms; one header feeds at most one column.

    >>> fuzzy_mapping(["Staff ID", "Line Manager", "Team"], "people")
    {'person_id': 'Staff ID', 'manager_name': 'Line Manager', 'unit': 'Team'}
    """
    keys = _header_keys(headers)
    mapping: dict[str, str] = {}
    used: set[str] = set(taken)
    synonyms = SYNONYMS[kind]
    # Exact canonical names first, then synonyms in table order.
    for canonical in synonyms:
        header = keys.get(header_key(canonical))
        if header is not None and header not in used:
            mapping[canonical] = header
            used.add(header)
    for canonical, alternatives in synonyms.items():
        if canonical in mapping:
            continue
        for alternative in alternatives:
            header = keys.get(alternative)
            if header is not None and header not in used:
                mapping[canonical] = header
                used.add(header)
                break
    return {c: mapping[c] for c in synonyms if c in mapping}


def _header_keys(headers: Iterable[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for header in headers:
        keys.setdefault(header_key(header), str(header))  # first of two equal keys wins
    return keys


def _fits(kind: str, mapping: Mapping[str, str]) -> bool:
    return all(column in mapping for column in SCHEMAS[kind].required)


def detect(headers: Iterable[str], *, hint: str | None = None) -> Detection:
    """Recognise an export by its headers; ``hint`` (a kind guessed from the file name)
    breaks ties between kinds that fit equally well.

    >>> detect(["USERID", "MANAGER", "FIRSTNAME", "LASTNAME"]).vendor
    'successfactors'
    >>> d = detect(["From", "To", "Value"])
    >>> d.kind, d.vendor, d.mapping["amount"]
    ('flows', 'generic', 'Value')
    """
    headers = [str(h) for h in headers]
    keys = _header_keys(headers)
    matches: list[tuple[tuple[int, int], Vendor, dict[str, str]]] = []
    for vendor in VENDORS:
        mapping = _vendor_mapping(vendor, keys)
        if mapping is None:
            continue
        # Vendor recognition adds to the generic synonyms, never replaces them: every
        # column the vendor's table leaves open is filled from the synonyms.
        ignored = {keys[k] for k in map(header_key, vendor.ignore) if k in keys}
        for canonical, header in fuzzy_mapping(headers, vendor.kind, taken=ignored).items():
            if canonical not in mapping and header not in mapping.values():
                mapping[canonical] = header
        if not _fits(vendor.kind, mapping):
            continue
        # The richer match wins: more columns named by the vendor's own table, then more in all.
        own = sum(1 for c, h in mapping.items() if _pick(keys, vendor.columns.get(c, ())) == h)
        matches.append(((own + 100 * (vendor.kind == hint), len(mapping)), vendor, mapping))
    if matches:
        matches.sort(key=lambda m: m[0], reverse=True)
        _, vendor, mapping = matches[0]
        mapping = {c: mapping[c] for c in SCHEMAS[vendor.kind].columns if c in mapping}
        close = tuple(dict.fromkeys(m[1].name for m in matches[1:] if m[1].name != vendor.name))
        return Detection(vendor.kind, vendor.name, mapping, vendor.top_markers, vendor.note,
                         vendor.zero_means_missing, close)
    candidates = []
    for kind in ("people", "flows", "decisions", "relations", "units"):
        mapping = fuzzy_mapping(headers, kind)
        # A unit table is told by its parent column (or its file name): a people export
        # with a "Cost Center" column is not one.
        if kind == "units" and "parent_unit" not in mapping and hint != "units":
            continue
        if _fits(kind, mapping):
            candidates.append((100 * (kind == hint) + len(mapping), kind, mapping))
    if candidates:
        _, kind, mapping = max(candidates, key=lambda c: c[0])
        return Detection(kind, "generic", mapping)
    # Nothing fits: keep the best partial people mapping so the caller can say what is missing.
    if hint in SYNONYMS:
        return Detection(None, "generic", fuzzy_mapping(headers, hint))
    return Detection(None, "generic", {})
