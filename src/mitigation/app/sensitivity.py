"""Sensitivity: which uncertain inputs change the answer?

A small analysis runs live on a scenario that declares uncertain parameters (the
files of ``scenarios/sensitivity/``); a study stored by ``mitigation sensitivity
--out`` is shown from its folder, analysed with the design it was sampled with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from mitigation.analysis.design import Method
from mitigation.analysis.sensitivity import analyse
from mitigation.app import loaders
from mitigation.app.errors import show_error
from mitigation.app.state import bound, t
from mitigation.exceptions import MitigationError

# Largest live analyses: a few seconds each on one core.
LIVE_SAMPLES = {Method.OAT: 1, Method.MORRIS: 20, Method.SOBOL: 256}


@dataclass(frozen=True)
class LiveChoice:
    scenario: str
    method: Method
    samples: int
    seed: int


def uncertain_scenarios() -> list[str]:
    folder = loaders.root() / "scenarios" / "sensitivity"
    return sorted(f"sensitivity/{p.name}" for p in folder.glob("*.yaml"))


def live_ui() -> LiveChoice | None:
    scenarios = uncertain_scenarios()
    if not scenarios:
        st.info(t("sens.no_scenario"))
        return None
    left, middle, right = st.columns(3)
    with left:
        scenario = bound(
            st.selectbox,
            "sens.scenario",
            t("common.scenario"),
            scenarios[0],
            options=scenarios,
        )
    with middle:
        method = bound(
            st.radio,
            "sens.method",
            t("sens.method"),
            Method.OAT.value,
            options=[m.value for m in Method],
            format_func=lambda m: t(f"sens.method.{m}"),
            horizontal=True,
        )
    method = Method(method)
    with right:
        largest = LIVE_SAMPLES[method]
        samples = 1
        if largest > 1:
            samples = int(
                bound(
                    st.number_input,
                    f"sens.samples.{method.value}",
                    t("sens.samples"),
                    min(16, largest),
                    min_value=2,
                    max_value=largest,
                    step=1,
                )
            )
    seed = int(
        bound(st.number_input, "sens.seed", t("sens.seed"), 1, min_value=0, step=1)
    )
    return LiveChoice(scenario, method, samples, seed)


@st.cache_data(show_spinner=False, max_entries=16)
def live_study(scenario: str, method: str, samples: int, seed: int):
    from mitigation.analysis.study import prepare_study, run_study

    root = loaders.root()
    study = prepare_study(
        root, root / "scenarios" / scenario, Method(method), samples, seed
    )
    return study.design, run_study(study)


def show_analysis(design, evaluations: pd.DataFrame) -> None:
    from mitigation.report.sensitivity import study_figures

    analysis = analyse(design, evaluations)
    st.caption(
        t(
            "sens.design",
            method=t(f"sens.method.{design.method.value}"),
            parameters=len(design.parameters),
            evaluations=len(design.samples),
            seed=design.seed,
        )
    )
    if analysis.failed:
        st.error(t("sens.failed", count=analysis.failed))
        return
    outputs = list(dict.fromkeys(analysis.indices.get("output", [])))
    if not outputs:
        st.info(t("sens.nothing_varies"))
        return
    output = bound(
        st.selectbox,
        "sens.output",
        t("sens.output"),
        outputs[0],
        options=outputs,
        format_func=output_name,
    )
    if output not in outputs:
        output = outputs[0]
    figure = study_figures(design, analysis)[output]
    figure.for_each_trace(
        lambda trace: trace.update(name=t(f"sens.trace.{trace.name}"))
    )
    figure.update_layout(
        title=f"{t('sens.chart')}: {output_name(output)}",
        xaxis_title=t(f"sens.axis.{design.method.value}.x", output=output_name(output)),
        yaxis_title=t(f"sens.axis.{design.method.value}.y"),
    )
    st.plotly_chart(figure, key="sens.chart")
    rows = analysis.indices["output"] == output
    table = analysis.indices[rows].drop(columns="output")
    table = table.rename(columns={c: t(f"sens.col.{c}") for c in table.columns})
    st.dataframe(table.round(4), hide_index=True)


def output_name(output: str) -> str:
    kind, _, option = output.partition(":")
    if option:
        return f"{t('sens.out.adoption')}: {option}"
    return t(f"sens.out.{kind}")


def stored_ui() -> None:
    st.subheader(t("sens.stored_heading"))
    folder = bound(st.text_input, "sens.folder", t("sens.folder"), "")
    if not folder:
        return
    from mitigation.analysis.stored import load_study

    try:
        design, evaluations, _ = load_study(Path(folder))
    except MitigationError as err:
        show_error(err)
        return
    show_analysis(design, evaluations)


def sensitivity_page() -> None:
    st.header(t("sens.heading"))
    st.caption(t("sens.intro"))
    choice = live_ui()
    if choice is not None:
        try:
            with st.spinner(t("sens.running")):
                design, evaluations = live_study(
                    choice.scenario, choice.method.value, choice.samples, choice.seed
                )
        except MitigationError as err:
            show_error(err)
        else:
            show_analysis(design, evaluations)
    stored_ui()
