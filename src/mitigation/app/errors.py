"""Errors shown in the page, in the session's language; the session goes on."""

from __future__ import annotations

import logging

import streamlit as st

from mitigation.app.state import language, t
from mitigation.exceptions import (
    InputError,
    MitigationError,
    SolverError,
    TargetUnreachableError,
)

logger = logging.getLogger(__name__)


def show_error(err: MitigationError) -> None:
    """A heading in the chosen language, the library's message below it."""
    logger.info("App | %s: %s", type(err).__name__, err)
    if isinstance(err, TargetUnreachableError):
        lines = [
            t(
                "err.target_line",
                year=year,
                target=f"{target:,.1f}",
                lowest=f"{lowest:,.1f}",
                unit=_unit(err.unit),
            )
            for year, target, lowest in err.shortfalls
        ]
        st.error(t("err.target") + "\n\n" + "\n".join(f"- {line}" for line in lines))
    elif isinstance(err, InputError):
        st.error(t("err.input"))
        with st.expander(t("common.details"), expanded=True):
            st.code(str(err), language=None, wrap_lines=True)
    elif isinstance(err, SolverError):
        st.error(t("err.solver") + f"\n\n{err}")
    else:
        st.error(f"{t('err.input')}\n\n{err}")
    st.caption(t("err.kept"))


def _unit(unit: str) -> str:
    """``kg CO2e per 1 t`` in the chosen language."""
    if language() != "zh":
        return unit
    return unit.replace("kg CO2e per", t("common.unit_kg") + "/").replace(" ", "")
