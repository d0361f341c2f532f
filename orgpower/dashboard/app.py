"""The orgpower dashboard (``orgpower dashboard``): a Streamlit multipage app.

A thin shell over :mod:`orgpower.api`: the Upload page reads and audits an org, the
other pages show the audit's own tables and documents. Run with
``streamlit run orgpower/dashboard/app.py`` or, better, ``orgpower dashboard``.

One gate for every page: the page modules live in ``views_pages/`` (a folder Streamlit
does not scan, unlike ``pages/``) and are registered with ``st.navigation`` only after
:func:`orgpower.dashboard.auth.gate` lets the session in. Before that, every page path
is registered to the login form and nothing else, so no page module can run.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from orgpower.dashboard import auth, state
from orgpower.dashboard.safe_text import plain
from orgpower.dashboard.views import display_uri

VIEWS = Path(__file__).resolve().parent / "views_pages"
# (module, title, icon, url path) per section. Icons are emoji: a ":material/…:" page
# icon becomes the favicon, which the browser fetches from a font CDN.
SECTIONS = {
    "Data": [("upload", "Upload", "📤", "upload")],
    "Audit": [
        ("overview", "Overview", "🧭", "overview"),
        ("org", "Org", "🌳", "org"),
        ("power_map", "Power map", "🕸️", "power_map"),
        ("decisions", "Decisions", "⚖️", "decisions"),
        ("resources", "Resources", "💶", "resources"),
        ("representation", "Representation", "👥", "representation"),
        ("compare", "Compare", "🔀", "compare"),
    ],
    "Export": [("report", "Report", "📄", "report")],
}
DEFAULT_PAGE = "upload"

st.set_page_config(page_title="orgpower", page_icon="🏛️", layout="wide")

if not auth.gate():
    # Every path of the app shows the login form; after login the same path shows its page.
    login = [
        st.Page(auth.login_form, title="Log in", url_path=url, default=module == DEFAULT_PAGE)
        for pages in SECTIONS.values()
        for module, _title, _icon, url in pages
    ]
    st.navigation(login, position="hidden").run()
    st.stop()

page = st.navigation(
    {
        section: [
            st.Page(VIEWS / f"{module}.py", title=title, icon=icon, url_path=url, default=module == DEFAULT_PAGE)
            for module, title, icon, url in pages
        ]
        for section, pages in SECTIONS.items()
    },
    expanded=True,
)

with st.sidebar:
    org = state.current_org()
    if org is None:
        st.caption("No org loaded.")
    elif org.error:
        st.caption(f"{plain(org.label)}: not usable.")
    else:
        people = len(org.model.people) if org.model is not None else 0
        st.caption(f"**{plain(org.label)}** · {people:,} people · loaded in {org.seconds:.1f} s")
    state.people_setting()
    uri = state.neo4j_uri()
    st.caption(f"Backend: Neo4j ({plain(display_uri(uri))})" if uri else "Backend: in-process")

page.run()
