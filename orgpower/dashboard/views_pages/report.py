"""Report: the audit as HTML, PDF, XLSX and JSON (plus people.csv), written by orgpower.api.write_reports."""

from __future__ import annotations

import streamlit as st

from orgpower.dashboard import state
from orgpower.dashboard.safe_text import plain
from orgpower.errors import OrgpowerError

FORMATS = {"html": ("HTML report", "text/html"), "pdf": ("PDF report", "application/pdf"), "xlsx": ("Excel appendix", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "json": ("audit.json", "application/json"), "csv": ("people table", "text/csv"), "people.csv": ("people table", "text/csv")}

def zip_files(paths: list) -> bytes:
    """Every file written, in one zip."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


result = state.require_result()
org = state.current_org()
st.title("Report")
st.caption("The same files `orgpower audit --format json,html,xlsx,pdf` writes: audit.json and people.csv always, the others as chosen.")
older = state.compare_org()
compared_with = None
if older is not None and older.model is not None:
    # the comparison the user made on the Compare page goes into the report (memoised there)
    compared = state.audit_compared(org, older)
    if compared is not None and getattr(compared, "comparison", None):
        result, compared_with = compared, older
        st.info(f"The report carries the comparison with **{plain(older.label)}** (made on the Compare page).")
chosen = st.pills("Formats", ["html", "pdf", "xlsx"], default=["html", "xlsx"], selection_mode="multi", key="report_formats")
formats = tuple(["json", *sorted(chosen or [])])
report_key = (org.input_hash, compared_with.input_hash if compared_with else None, formats, state.names_shown())
st.caption(
    "People appear by name beside their id, as on the other pages (`--names`)." if state.names_shown()
    else "People appear by id, as on the other pages; switch on *Show people's names* in the sidebar to add them (`--names`)."
)

written = st.session_state.get("report_written")
if written and written["key"] != report_key:
    written = None
if st.button("Prepare the report", type="primary", key="report_prepare"):
    folder = state.session_workdir() / "reports" / org.input_hash[:16] / ("-".join(formats) + (f"-vs-{compared_with.input_hash[:8]}" if compared_with else "") + ("-names" if state.names_shown() else ""))
    with st.status("Writing the report…", expanded=False) as status:
        try:
            paths = state.write_reports(result, folder, formats)
        except OrgpowerError as error:
            status.update(label="Could not write the report", state="error")
            st.error(plain(error.message))
            paths = None
        else:
            status.update(label="Report ready", state="complete")
    if paths is not None:
        written = {"key": report_key, "paths": paths}
        st.session_state["report_written"] = written

if written:
    st.download_button(
        f"Download all ({len(written['paths'])} files, zip)", zip_files(list(written["paths"].values())),
        file_name="orgpower-report.zip", mime="application/zip", key="report_download_all", icon=":material/folder_zip:",
        type="primary",
    )
    for fmt, path in written["paths"].items():
        title, mime = FORMATS.get(fmt, (fmt, "application/octet-stream"))
        st.download_button(f"Download {title} ({path.name})", path.read_bytes(), file_name=path.name, mime=mime, key=f"report_download_{fmt}", icon=":material/download:")
