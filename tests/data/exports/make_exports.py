"""Write the export corpus: fictional orgs as the HR systems named in the README export
them (UI downloads, standard reports, API/connector flattenings), CSV and XLSX.

    python tests/data/exports/make_exports.py      # rewrites the files and manifest.json

Every person is invented (names built from made-up first and last names). The shape
of each file (headers, header rows, how the manager is given, markers, encodings)
follows the public documentation cited in ``source`` of each variant; the README of
this folder lists them. ``manifest.json`` holds, per file, what the reader must get:
the number of people, the number of top-level posts (people without a manager) and
the error codes expected; these are counted here from the generated org, never from
orgpower.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent

FIRST = ("Aldra", "Brenno", "Caelia", "Dovid", "Elske", "Faran", "Gisla", "Hollis", "Ilka", "Joren", "Kestra",
         "Lioba", "Marek", "Nerys", "Orrin", "Pella", "Quill", "Rosalind", "Soren", "Tamsin", "Ulla", "Veit",
         "Wren", "Xanthe", "Yorick", "Zelie", "Ansel", "Birte", "Cosmo", "Dagny")
LAST = ("Ambercroft", "Brindlewood", "Corranth", "Dunmarrow", "Eskerby", "Fallowmere", "Greythorn", "Hollowell",
        "Ironsby", "Juniperton", "Kestlemoor", "Larkspire", "Mossgrave", "Nettlefield", "Oakhurst", "Pellingham",
        "Quarrington", "Ravelstock", "Shawcombe", "Thistlebury", "Umberlee", "Vantmoor", "Wexcombe", "Yarrowby")
FIRST_DE = ("Jörg", "Renée", "Zoë", "Björn", "Käthe", "Søren", "Anaïs", "Jürgen", "Agnès", "Chloé")
LAST_DE = ("Müllerbach", "Straßenfeld", "Göttling", "Brückmann", "Öhlerstein", "Weißdorn", "Kühnhagen", "Löwenau")
UNITS = ("Executive", "Operations", "Finance", "People", "Engineering", "Sales", "Legal")
SITES = ("Port Ellery", "Lowmoor", "Alder Bay", "Kestrel Point")


@dataclass
class Person:
    index: int
    first: str
    last: str
    middle: str
    manager: int | None  # index of the manager, None at the top
    unit: str
    title: str
    site: str
    fte: float
    salary: int
    number: str = ""
    id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def last_first_mi(self) -> str:
        return f"{self.last}, {self.first}" + (f" {self.middle}." if self.middle else "")

    @property
    def email(self) -> str:
        return f"{self.first.lower()}.{self.last.lower()}@example.org"


def make_org(seed: int, size: int, *, german: bool = False) -> list[Person]:
    """A tree of ``size`` people with one top: a head, 4-6 directors, then teams."""
    rng = random.Random(seed)
    firsts, lasts = (FIRST_DE + FIRST, LAST_DE + LAST) if german else (FIRST, LAST)
    pairs = [(f, l) for l in lasts for f in firsts]
    rng.shuffle(pairs)
    people: list[Person] = []
    for index in range(size):
        first, last = pairs[index]
        if index == 0:
            manager, unit, title = None, "Executive", "Chief Executive"
        elif index <= 5:
            manager, unit, title = 0, UNITS[index], f"Director of {UNITS[index]}"
        else:
            manager = rng.randrange(1, min(index, 14))
            unit = people[manager].unit
            title = rng.choice(("Analyst", "Coordinator", "Specialist", "Team Lead", "Associate"))
        people.append(Person(
            index=index, first=first, last=last, middle=rng.choice(("", "", "A", "M", "R")), manager=manager,
            unit=unit, title=title, site=rng.choice(SITES), fte=rng.choice((1.0, 1.0, 1.0, 0.8, 0.6)),
            salary=rng.randrange(38, 160) * 1000,
        ))
    return people


def boss(people: list[Person], person: Person) -> Person | None:
    return None if person.manager is None else people[person.manager]


@dataclass
class Variant:
    file: str
    system: str
    shape: str
    source: str
    org: list[Person]
    header: list[str]
    row: Callable[[list[Person], Person], list[object]]
    fmt: str = "csv"  # csv | xlsx
    above: list[list[str]] = field(default_factory=list)  # title rows above the header
    below: list[list[str]] = field(default_factory=list)  # label rows under the header
    encoding: str = "utf-8"
    delimiter: str = ","
    extra_rows: list[list[object]] = field(default_factory=list)
    people: int | None = None  # expected, when not len(org)
    roots: int = 1
    errors: tuple[str, ...] = ()
    has_manager_column: bool = True
    companion: str | None = None  # read together with this file


def numbered(org: list[Person], id_fmt: str, number_fmt: str | None = None) -> list[Person]:
    for person in org:
        person.id = id_fmt.format(person.index + 1)
        person.number = (number_fmt or id_fmt).format(person.index + 1)
    return org


def ref(people: list[Person], person: Person, attr: str, top: str = "") -> str:
    manager = boss(people, person)
    return top if manager is None else str(getattr(manager, attr))


def variants() -> list[Variant]:
    out: list[Variant] = []
    # --- Workday -----------------------------------------------------------------------
    org = numbered(make_org(1, 34), "2{:05d}")
    out.append(Variant(
        "workday_ui_export_to_excel.xlsx", "Workday", "UI 'Export to Excel' of a worker report: a title row, "
        "'Manager' holds the manager's name",
        "https://www.merge.dev/ (Workday custom report fields), Workday report 'Export to Excel' (report title above the header)",
        org, ["Worker", "Employee ID", "Business Title", "Supervisory Organization", "Manager", "Location", "Hire Date"],
        lambda ps, p: [p.name, p.id, p.title, f"{p.unit} (Supervisory)", ref(ps, p, "name"), p.site, "2019-04-01"],
        fmt="xlsx", above=[["Workers by Organization"], []],
    ))
    org = numbered(make_org(2, 28), "W{:04d}")
    out.append(Variant(
        "workday_standard_report.csv", "Workday", "standard report with 'Manager ID' and 'Manager' (name), management level",
        "https://help.merge.dev/en/articles/8694660-workday-how-do-i-send-hris-data-via-sftp",
        org, ["Employee ID", "Legal Name", "Manager ID", "Manager", "Job Profile", "Cost Center", "Management Level", "FTE"],
        lambda ps, p: [p.id, p.name, ref(ps, p, "id"), ref(ps, p, "name"), p.title, f"CC-{p.unit[:3].upper()}",
                       "Director" if p.manager == 0 else "", p.fte],
    ))
    org = numbered(make_org(3, 30), "{:06d}")
    out.append(Variant(
        "workday_raas_flattened.csv", "Workday", "RaaS / connector flattening with XML aliases; the manager by work email",
        "https://help.merge.dev/en/articles/8694660-workday-how-do-i-send-hris-data-via-sftp (custom report as web service, XML aliases)",
        org, ["Employee_ID", "Legal_Name", "Primary_Work_Email", "Business_Title", "Supervisory_Organization",
              "Manager_Primary_Work_Email"],
        lambda ps, p: [p.id, p.name, p.email, p.title, p.unit, ref(ps, p, "email")],
    ))
    # --- BambooHR -----------------------------------------------------------------------
    org = numbered(make_org(4, 26), "{}")
    out.append(Variant(
        "bamboohr_custom_report.csv", "BambooHR", "custom report from the UI; 'Reporting to' holds names",
        "https://docs.workato.com/en/connectors/bamboo-hr/updated-employee-trigger (BambooHR employee fields)",
        org, ["Employee #", "First Name", "Last Name", "Job Title", "Reporting to", "Department", "Division", "Location"],
        lambda ps, p: [p.id, p.first, p.last, p.title, ref(ps, p, "name"), p.unit, "North", p.site],
    ))
    org = numbered(make_org(5, 24), "{}", "E{:03d}")
    out.append(Variant(
        "bamboohr_directory.xlsx", "BambooHR", "employee directory download: no id column, the work email is the key, "
        "'Supervisor' holds 'Last, First' names",
        "https://docs.workato.com/en/connectors/bamboo-hr/new-employee-trigger (BambooHR employee fields)",
        org, ["Name", "Job Title", "Department", "Location", "Work Email", "Supervisor"],
        lambda ps, p: [p.name, p.title, p.unit, p.site, p.email,
                       "" if boss(ps, p) is None else f"{boss(ps, p).last}, {boss(ps, p).first}"],
        fmt="xlsx",
    ))
    org = numbered(make_org(6, 32), "{}", "10{:03d}")
    for p in org:  # API ids are internal numbers unlike the employee numbers
        p.id = str(400 + p.index)
    out.append(Variant(
        "bamboohr_api_employees.csv", "BambooHR", "API / connector flattening: 'id', 'employeeNumber', 'supervisor' "
        "(name) and 'supervisorEId' (the supervisor's employee number)",
        "https://docs.workato.com/en/connectors/bamboo-hr/updated-employee-trigger ('Supervisor E ID: the employee number of the current supervisor')",
        org, ["id", "employeeNumber", "displayName", "firstName", "lastName", "jobTitle", "department", "workEmail",
              "supervisor", "supervisorEId"],
        lambda ps, p: [p.id, p.number, p.name, p.first, p.last, p.title, p.unit, p.email, ref(ps, p, "name"),
                       ref(ps, p, "number")],
    ))
    # --- SAP SuccessFactors --------------------------------------------------------------
    sf_header = ["STATUS", "USERID", "USERNAME", "FIRSTNAME", "LASTNAME", "MI", "GENDER", "EMAIL", "MANAGER", "HR",
                 "DEPARTMENT", "JOBCODE", "DIVISION", "LOCATION", "TIMEZONE", "TITLE"]
    sf_labels = ["STATUS", "User ID", "Username", "First Name", "Last Name", "Middle Name", "Gender", "Email",
                 "Manager", "Human Resource", "Department", "Job Code", "Division", "Location", "Time Zone", "Title"]

    def sf_row(top: str) -> Callable[[list[Person], Person], list[object]]:
        return lambda ps, p: ["active", p.id, p.email.split("@")[0], p.first, p.last, p.middle, "U", p.email,
                              ref(ps, p, "id", top), "hr1" if p.index else "NO_HR", p.unit, "JC1", "Corporate",
                              p.site, "Europe/Berlin", p.title]
    org = numbered(make_org(7, 30), "sfu{:04d}")
    out.append(Variant(
        "successfactors_user_data_file.csv", "SAP SuccessFactors", "user data file: system keys, then a label row "
        "(data from row 3); NO_MANAGER at the top",
        "https://apps.support.sap.com/sap/support/knowledge/public/en/2087504 (Header Row 1: System Keys; Header Row 2: Data Labels; data read from the third row)",
        org, sf_header, sf_row("NO_MANAGER"), below=[sf_labels],
    ))
    org = numbered(make_org(8, 27), "{:05d}")
    out.append(Variant(
        "successfactors_partner_template.xlsx", "SAP SuccessFactors", "partner UDF template as a workbook: two "
        "header rows, NO_MGR at the top",
        "https://kba.altaflux.com/docs/user-data-file ('If unknown or not applicable (i.e., for top level execs), use NO_HR or NO_MGR')",
        org, sf_header, sf_row("NO_MGR"), below=[sf_labels], fmt="xlsx",
    ))
    org = numbered(make_org(9, 25), "u{:03d}")
    out.append(Variant(
        "successfactors_odata_users.csv", "SAP SuccessFactors", "OData User entity flattened ($expand=manager): "
        "'manager/userId'",
        "https://learning.sap.com/learning-journey/configure-sap-successfactors-performance-and-goals/compiling-user-data_b8e6baaa-0f54-4bb1-8bdc-d928893fb329 (User fields STATUS, USERID, USERNAME, MANAGER, ...)",
        org, ["userId", "username", "firstName", "lastName", "email", "department", "title", "manager/userId"],
        lambda ps, p: [p.id, p.email.split("@")[0], p.first, p.last, p.email, p.unit, p.title, ref(ps, p, "id")],
    ))
    # --- ADP ------------------------------------------------------------------------------
    org = numbered(make_org(10, 33), "A7{:05d}")
    out.append(Variant(
        "adp_wfn_custom_report.xlsx", "ADP", "Workforce Now custom report run as Excel: Associate ID and Reports To "
        "Associate ID",
        "https://www.orgchartstudio.com/blog/how-to-build-org-chart-from-adp-workforce-now (First Name, Last Name, Job Title, Business Email, Associate ID, Reports To Associate ID)",
        org, ["Associate ID", "Legal First Name", "Legal Last Name", "Job Title Description", "Home Department Description",
              "Location Description", "Business Email", "Reports To Associate ID"],
        lambda ps, p: [p.id, p.first, p.last, p.title, p.unit, p.site, p.email, ref(ps, p, "id")], fmt="xlsx",
    ))
    org = numbered(make_org(11, 29), "P{:05d}", "{:06d}")
    out.append(Variant(
        "adp_census_report.csv", "ADP", "census-style report in capitals: PAYROLL NAME and REPORTS TO NAME as "
        "'Last, First MI'",
        "https://www.orgchartstudio.com/blog/how-to-build-org-chart-from-adp-workforce-now (Employee Census standard report; manager by name)",
        org, ["POSITION ID", "FILE NUMBER", "PAYROLL NAME", "JOB TITLE", "HOME DEPARTMENT", "WORK EMAIL", "REPORTS TO NAME"],
        lambda ps, p: [p.id, p.number, p.last_first_mi, p.title, p.unit, p.email, ref(ps, p, "last_first_mi")],
    ))
    org = numbered(make_org(12, 31), "G3{:06d}", "{:06d}")
    out.append(Variant(
        "adp_api_workers.csv", "ADP", "API / connector flattening of workers: associateOID, "
        "workAssignments.reportsTo.associateOID",
        "http://guide.orgchartnow.com/adpdataprep (PersonID = associateOID, SupervisorID = workAssignment reportsTo.associateOID)",
        org, ["associateOID", "workerID", "person.legalName.formattedName", "businessCommunication.emails.emailUri",
              "workAssignments.jobCode.longName", "workAssignments.reportsTo.associateOID"],
        lambda ps, p: [p.id, p.number, p.name, p.email, p.title, ref(ps, p, "id")],
    ))
    # --- HiBob ----------------------------------------------------------------------------
    org = numbered(make_org(13, 27), "{}")
    out.append(Variant(
        "hibob_people_export.xlsx", "HiBob", "People export from the UI: 'Reports to' holds display names",
        "https://fivetran.com/docs/connectors/applications/hibob/connector-schema.md (employee: display_name, email, department, reports_to)",
        org, ["Employee ID", "Display name", "First name", "Last name", "Email", "Department", "Site", "Job title",
              "Reports to"],
        lambda ps, p: [p.id, p.name, p.first, p.last, p.email, p.unit, p.site, p.title, ref(ps, p, "name")], fmt="xlsx",
    ))
    org = numbered(make_org(14, 26), "HB{:03d}")
    out.append(Variant(
        "hibob_report.csv", "HiBob", "report with 'Reports to Employee ID' and 'Work - Reports to'",
        "https://fivetran.com/docs/connectors/applications/hibob/connector-schema.md",
        org, ["Employee ID", "Display name", "Reports to Employee ID", "Work - Reports to", "Department", "Site", "Job title"],
        lambda ps, p: [p.id, p.name, ref(ps, p, "id"), ref(ps, p, "name"), p.unit, p.site, p.title],
    ))
    org = numbered(make_org(15, 30), "{}", "{:04d}")
    for p in org:
        p.id = f"30{p.index:04d}9"
    out.append(Variant(
        "hibob_api_fivetran.csv", "HiBob", "connector flattening: 'id' (backend id), 'employee_id_in_company', "
        "'reports_to_id_in_company' (the manager's employee id in the company)",
        "https://fivetran.com/docs/connectors/applications/hibob/connector-schema.md (id, reports_to_id_in_company, employee_id_in_company, display_name, email)",
        org, ["id", "display_name", "email", "employee_id_in_company", "reports_to_id_in_company", "department"],
        lambda ps, p: [p.id, p.name, p.email, p.number, ref(ps, p, "number"), p.unit],
    ))
    # --- Personio -------------------------------------------------------------------------
    org = numbered(make_org(16, 28, german=True), "{}")
    out.append(Variant(
        "personio_export_de.csv", "Personio", "German export, European locale: ';', cp1252, decimal commas; "
        "'Vorgesetzte:r' holds names",
        "https://support.personio.de/hc/de/articles/115005610409-Exporte-erstellen (Export-Attribute, Excel-Export)",
        org, ["ID", "Vorname", "Nachname", "E-Mail", "Position", "Abteilung", "Standort", "Vorgesetzte:r", "FTE",
              "Jahresgehalt"],
        lambda ps, p: [p.id, p.first, p.last, p.email.encode("ascii", "ignore").decode(), p.title, p.unit, p.site,
                       ref(ps, p, "name"), str(p.fte).replace(".", ","), f"{p.salary:,}".replace(",", ".") + ",00"],
        encoding="cp1252", delimiter=";",
    ))
    org = numbered(make_org(17, 25), "{}")
    out.append(Variant(
        "personio_export_en.xlsx", "Personio", "English export workbook: 'Supervisor' holds names",
        "https://support.personio.de/hc/en-us/articles/115005610409-Create-Exports (export attributes as Excel columns)",
        org, ["ID", "First name", "Last name", "Email", "Position", "Department", "Office", "Supervisor",
              "Weekly working hours"],
        lambda ps, p: [p.id, p.first, p.last, p.email, p.title, p.unit, p.site, ref(ps, p, "name"), 40 * p.fte],
        fmt="xlsx",
    ))
    org = numbered(make_org(18, 27), "{}")
    out.append(Variant(
        "personio_api_flattened.csv", "Personio", "API attributes flattened: 'supervisor.id' and 'supervisor.email'",
        "https://support.personio.de/hc/en-us/articles/211776305-Schritt-1-Import-von-Mitarbeiterdaten (employee attributes)",
        org, ["id", "first_name", "last_name", "email", "position", "department.name", "supervisor.id", "supervisor.email"],
        lambda ps, p: [p.id, p.first, p.last, p.email, p.title, p.unit, ref(ps, p, "id"), ref(ps, p, "email")],
    ))
    # --- Rippling -------------------------------------------------------------------------
    org = numbered(make_org(19, 29), "{}")
    out.append(Variant(
        "rippling_custom_report.csv", "Rippling", "custom report with no id column: 'Work email' is the key, "
        "'Manager - Work email' the manager",
        "https://help.lattice.com/hc/en-us/articles/1500000933022-Import-Your-Organization-from-Rippling (Employee name, Work email, Title, Manager - Work email)",
        org, ["Employee name", "Work email", "Title", "Department", "Manager - Work email", "Employment status"],
        lambda ps, p: [p.name, p.email, p.title, p.unit, ref(ps, p, "email"), "Active"],
    ))
    org = numbered(make_org(20, 26), "R{:04d}")
    out.append(Variant(
        "rippling_people_export.xlsx", "Rippling", "people export workbook: 'Manager' holds names",
        "https://help.lattice.com/hc/en-us/articles/1500000933022-Import-Your-Organization-from-Rippling (Manager field)",
        org, ["Employee ID", "Employee Name", "Manager", "Department", "Title", "Work Location"],
        lambda ps, p: [p.id, p.name, ref(ps, p, "name"), p.unit, p.title, p.site], fmt="xlsx",
    ))
    org = numbered(make_org(21, 30), "{}")
    for p in org:
        p.id = f"6{p.index:03d}f0a1c{p.index:02d}"
    out.append(Variant(
        "rippling_api_employees.csv", "Rippling", "API flattening: 'id', 'workEmail', 'manager' (the manager's id)",
        "https://help.lattice.com/hc/en-us/articles/1500000933022-Import-Your-Organization-from-Rippling (Employee > Employment information fields)",
        org, ["id", "name", "workEmail", "title", "department", "manager"],
        lambda ps, p: [p.id, p.name, p.email, p.title, p.unit, ref(ps, p, "id")],
    ))
    # --- UK government organograms --------------------------------------------------------
    org = numbered(make_org(22, 24), "POST{:03d}")
    senior = ["Post Unique Reference", "Name", "Grade (or equivalent)", "Job Title", "Job/Team Function",
              "Parent Department", "Organisation", "Unit", "Contact Phone", "Contact E-mail", "Reports to Senior Post",
              "Salary Cost of Reports (£)", "FTE", "Actual Pay Floor (£)", "Actual Pay Ceiling (£)",
              "Professional/Occupational Group", "Notes", "Valid?"]

    def senior_row(top: str) -> Callable[[list[Person], Person], list[object]]:
        return lambda ps, p: [p.id, p.name if p.index < 6 else "N/D", "SCS2" if p.index < 6 else "SCS1", p.title,
                              p.unit, "Department for Fictional Affairs", "Department for Fictional Affairs", p.unit,
                              "N/D", "N/D", ref(ps, p, "id", top), "0", p.fte, p.salary if p.index < 6 else "N/D",
                              p.salary + 5000 if p.index < 6 else "N/D", "Policy", "", "1"]
    junior_rows = [["Department for Fictional Affairs", "Department for Fictional Affairs", p.unit, p.id,
                    "EO", 24000, 31000, "Officer", 2.5, "Policy"] for p in org[6:16]]
    out.append(Variant(
        "uk_organogram_senior.csv", "UK organograms", "senior posts file (2016 format), 'XX' at the top, 'N/D' names",
        "https://www.gov.uk/government/publications/guidance-on-publishing-organograms (senior and junior files; XX for the top post)",
        org, senior, senior_row("XX"), people=len(org) + len(junior_rows), companion="uk_organogram_junior.csv",
    ))
    out.append(Variant(
        "uk_organogram_junior.csv", "UK organograms", "junior staff file: FTE counts under senior posts",
        "https://www.gov.uk/government/publications/guidance-on-publishing-organograms",
        org, ["Parent Department", "Organisation", "Unit", "Reporting Senior Post", "Grade", "Payscale Minimum (£)",
              "Payscale Maximum (£)", "Generic Job Title", "Number of Posts in FTE", "Professional/Occupational Group"],
        lambda ps, p: [], extra_rows=junior_rows, companion="uk_organogram_senior.csv",
        people=len(org) + len(junior_rows),
    ))
    org = numbered(make_org(23, 22), "{}")
    out.append(Variant(
        "uk_organogram_senior_2011.xlsx", "UK organograms", "older senior file as a workbook, lower-case 'xx' at the top",
        "https://www.gov.uk/government/publications/guidance-on-publishing-organograms",
        org, ["Post Unique Reference", "Name", "Grade", "Job Title", "Unit", "Reports to Senior Post", "FTE",
              "Actual Pay Floor (£)"],
        lambda ps, p: [p.id, p.name, "SCS1", p.title, p.unit, ref(ps, p, "id", "xx"), p.fte, p.salary], fmt="xlsx",
    ))
    org = numbered(make_org(24, 21), "{}")
    out.append(Variant(
        "uk_organogram_senior_nd.csv", "UK organograms", "senior file with a notes column and 0 pay floors (not disclosed)",
        "https://www.gov.uk/government/publications/guidance-on-publishing-organograms",
        org, ["Post Unique Reference", "Name", "Grade (or equivalent)", "Job Title", "Unit", "Reports to Senior Post",
              "FTE", "Actual Pay Floor (£)", "Notes"],
        lambda ps, p: [p.id, p.name, "SCS1", p.title, p.unit, ref(ps, p, "id", "XX"), p.fte, 0, ""],
    ))
    # --- Generic spreadsheets -------------------------------------------------------------
    org = numbered(make_org(25, 26), "{:04d}")
    out.append(Variant(
        "orgchart_tool_flat_file.csv", "generic spreadsheet", "org-chart tool flat file: the top box reports to itself",
        "https://theorgchart.zendesk.com/hc/en-us/articles/28203240500884-Excel-CSV ('The top box should report to itself, or no one')",
        org, ["PersonID", "SupervisorID", "Name", "Title"],
        lambda ps, p: [p.id, p.id if p.manager is None else ps[p.manager].id, p.name, p.title],
    ))
    org = numbered(make_org(26, 25), "{}")
    out.append(Variant(
        "orgplus_matrix.csv", "generic spreadsheet", "several managers in one cell ('Person ID', 'Supervisor ID' and "
        "'AltReportsTo' with ';'-separated ids): the first solid, the rest dotted",
        "https://www.orgplus.com/support/realtime-express-faqs/field-names-important/ (Person ID, Supervisor ID; AltReportsTo separated by a semi-colon)",
        org, ["Person ID", "Full Name", "Job Title", "Department", "Supervisor ID"],
        lambda ps, p: [p.id, p.name, p.title, p.unit,
                       "" if p.manager is None else (ps[p.manager].id + (f";{ps[0].id}" if p.index > 5 and p.index % 4 == 0 and p.manager != 0 else ""))],
    ))
    org = numbered(make_org(27, 24), "M{:04d}")
    out.append(Variant(
        "generic_french_hr.xlsx", "generic spreadsheet", "French headers; 'Responsable hiérarchique' as 'Name (id)'",
        "https://support.personio.de/hc/en-us/articles/211776305-Schritt-1-Import-von-Mitarbeiterdaten (attributes translated into French, German, Spanish, Dutch)",
        org, ["Matricule", "Prénom", "Nom", "Intitulé du poste", "Service", "Responsable hiérarchique"],
        lambda ps, p: [p.id, p.first, p.last, p.title, p.unit,
                       "" if boss(ps, p) is None else f"{boss(ps, p).name} ({boss(ps, p).id})"], fmt="xlsx",
    ))
    org = numbered(make_org(28, 23), "{}")
    out.append(Variant(
        "generic_dutch_hr.csv", "generic spreadsheet", "Dutch headers with ';': 'Leidinggevende' holds names",
        "https://support.personio.de/hc/en-us/articles/211776305-Schritt-1-Import-von-Mitarbeiterdaten (translations of attributes)",
        org, ["Personeelsnummer", "Naam", "Functie", "Afdeling", "Leidinggevende"],
        lambda ps, p: [p.id, p.name, p.title, p.unit, ref(ps, p, "name")], delimiter=";",
    ))
    org = numbered(make_org(29, 22), "{}")
    out.append(Variant(
        "generic_spanish_hr.csv", "generic spreadsheet", "Spanish headers; 'Jefe directo' holds 'NO_MGR' at the top "
        "and names elsewhere",
        "https://support.personio.de/hc/en-us/articles/211776305-Schritt-1-Import-von-Mitarbeiterdaten (translations of attributes)",
        org, ["ID de empleado", "Nombre", "Apellidos", "Puesto", "Departamento", "Jefe directo"],
        lambda ps, p: [p.id, p.first, p.last, p.title, p.unit, ref(ps, p, "name", "NO_MGR")],
    ))
    org = numbered(make_org(30, 24), "S{:03d}")
    out.append(Variant(
        "generic_unrecognised_manager.csv", "generic spreadsheet", "the manager under a header no table knows "
        "('Escalates to'): refused with the mapping line, never read as flat",
        "(guard case; a company's own spreadsheet)",
        org, ["Staff ID", "Full Name", "Team", "Escalates to"],
        lambda ps, p: [p.id, p.name, p.unit, ref(ps, p, "name")],
        roots=len(org), errors=("manager_column_unused",),
    ))
    org = numbered(make_org(31, 25), "{}")
    managers = [p for p in org[6:] if any(q.manager == p.index for q in org)]
    twin = managers[0]
    namesake = next(p for p in org[6:] if p is not twin and p.index not in {q.manager for q in org})
    namesake.first, namesake.last = twin.first, twin.last  # two people of the same name, one a manager
    out.append(Variant(
        "generic_namesakes.csv", "generic spreadsheet", "two people share a name and one of them is a manager by "
        "name: that line is ambiguous and set aside, never guessed",
        "(namesake case; a company's own spreadsheet)",
        org, ["Employee ID", "Name", "Title", "Line Manager"],
        lambda ps, p: [p.id, p.name, p.title, ref(ps, p, "name")],
        roots=1 + sum(1 for p in org if p.manager == twin.index), errors=("ambiguous_manager_name",),
    ))
    return out


def write(variant: Variant) -> None:
    people = variant.org
    rows = variant.extra_rows or [variant.row(people, p) for p in people]
    path = HERE / variant.file
    if variant.fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Report"
        for line in variant.above + [variant.header] + variant.below + rows:
            sheet.append([None if v == "" else v for v in line])
        book.properties.creator = "orgpower export corpus"
        book.save(path)
        return
    text = io.StringIO()
    writer = csv.writer(text, delimiter=variant.delimiter, lineterminator="\r\n")
    for line in variant.above + [variant.header] + variant.below + rows:
        writer.writerow(line)
    path.write_bytes(text.getvalue().encode(variant.encoding))


def main() -> None:
    manifest = []
    for variant in variants():
        write(variant)
        manifest.append({
            "file": variant.file, "system": variant.system, "shape": variant.shape, "source": variant.source,
            "format": variant.fmt, "people": variant.people if variant.people is not None else len(variant.org),
            "roots": variant.roots, "errors": sorted(variant.errors), "companion": variant.companion,
            "manager_column": variant.has_manager_column,
        })
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["# Export corpus", "",
             "Fictional orgs written the way the HR systems named in the README export them. Every person is",
             "invented. Regenerate with `python tests/data/exports/make_exports.py`; `manifest.json` holds what a",
             "correct reading gives (people, top-level posts, expected error codes), counted by the generator from",
             "its own org, and `tests/test_ingest_export_corpus.py` checks every file against it.", "",
             "| file | system | shape | shape documented in |", "|---|---|---|---|"]
    for item in manifest:
        lines.append(f"| `{item['file']}` | {item['system']} | {item['shape']} | {item['source']} |")
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
