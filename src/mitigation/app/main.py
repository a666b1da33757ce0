"""The app's shell: language and page in the sidebar, then the chosen page."""

from __future__ import annotations

import streamlit as st

from mitigation.app.footprint import footprint_page
from mitigation.app.i18n import LANGUAGES
from mitigation.app.options import options_page
from mitigation.app.policy import policy_page
from mitigation.app.sensitivity import sensitivity_page
from mitigation.app.state import PAGES, bound, t
from mitigation.app.workshop import workshop_page

DRAW = {
    "footprint": footprint_page,
    "options": options_page,
    "policy": policy_page,
    "workshop": workshop_page,
    "sensitivity": sensitivity_page,
}


def shell_ui() -> str:
    """Language and page, in the sidebar; returns the page chosen."""
    with st.sidebar:
        bound(
            st.radio,
            "language",
            "Language / 语言",
            "en",
            options=list(LANGUAGES),
            format_func=lambda code: {"en": "English", "zh": "中文"}[code],
            horizontal=True,
        )
        st.title(t("app.title"))
        page = bound(
            st.radio,
            "page",
            t("app.page"),
            PAGES[0],
            options=list(PAGES),
            format_func={p: t(f"page.{p}") for p in PAGES}.get,
        )
        st.caption(t("app.caption"))
    return page


def main() -> None:
    st.set_page_config(page_title="mitigation", layout="wide")
    page = shell_ui()
    DRAW[page]()
