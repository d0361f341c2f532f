"""The orgpower dashboard (``orgpower dashboard``): a Streamlit multipage app.

A thin shell over :mod:`orgpower.api`: the Upload page reads and audits an org, the
other pages show the audit's own tables and documents. Run with
``streamlit run orgpower/dashboard/app.py`` or, better, ``orgpower dashboard``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from orgpower.dashboard import auth, state

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="orgpower", page_icon=":material/account_tree:", layout="wide")

if not auth.gate():
    st.stop()

pages = {
    "Data": [
        st.Page(PAGES / "upload.py", title="Upload", icon=":material/upload:", default=True),
    ],
    "Audit": [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:"),
        st.Page(PAGES / "org.py", title="Org", icon=":material/account_tree:"),
        st.Page(PAGES / "power_map.py", title="Power map", icon=":material/hub:"),
        st.Page(PAGES / "decisions.py", title="Decisions", icon=":material/gavel:"),
        st.Page(PAGES / "resources.py", title="Resources", icon=":material/payments:"),
        st.Page(PAGES / "representation.py", title="Representation", icon=":material/groups:"),
        st.Page(PAGES / "compare.py", title="Compare", icon=":material/compare_arrows:"),
    ],
    "Export": [
        st.Page(PAGES / "report.py", title="Report", icon=":material/description:"),
    ],
}
page = st.navigation(pages, expanded=True)

with st.sidebar:
    org = state.current_org()
    if org is None:
        st.caption("No org loaded.")
    elif org.error:
        st.caption(f"{org.label}: not usable.")
    else:
        people = len(org.model.people) if org.model is not None else 0
        st.caption(f"**{org.label}** · {people:,} people · loaded in {org.seconds:.1f} s")
    uri = state.neo4j_uri()
    st.caption(f"Backend: Neo4j ({uri})" if uri else "Backend: in-process")

page.run()
