"""The Streamlit pages, driven through ``streamlit.testing``: widgets drive the
model, values keep their type, saved scenarios come back, both languages."""

from __future__ import annotations

import json

import pytest

from conftest import REPO

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest  # noqa: E402

from mitigation.app.i18n import CATALOGUE  # noqa: E402
from mitigation.inputs.scenario import load_scenario  # noqa: E402

APP = str(REPO / "app.py")
TIMEOUT = 120


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("MITIGATION_STORE", str(tmp_path / "store.sqlite"))
    from mitigation.app.workshop import store

    store.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def go(at: AppTest, page: str) -> AppTest:
    """Choose a page in the sidebar (as its radio button would)."""
    language = (
        at.session_state["v.language"] if "v.language" in at.session_state else "en"
    )
    at.session_state["w.page" if language == "en" else f"w.{language}.page"] = page
    at.session_state["v.page"] = page
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(start))


def test_footprint_page_follows_the_product_and_grade(app) -> None:
    cement = metric(app, "Product emission intensity")
    app.selectbox(key="w.fp.grade").set_value("ps_a").run()
    slag = metric(app, "Product emission intensity")
    assert float(slag.split()[0].replace(",", "")) < float(
        cement.split()[0].replace(",", "")
    )
    # P·S·A has a label threshold in data/label_thresholds.csv: 481.2 kg/t.
    assert metric(app, "Label threshold") == "481.2 kg CO2e"
    app.selectbox(key="w.fp.product").set_value("motorcycle").run()
    assert any("No published basis" in i.value for i in app.info)


def test_display_unit_changes_no_value(app) -> None:
    kg = metric(app, "Product emission intensity")
    app.selectbox(key="w.fp.unit").set_value("t").run()
    tonnes = metric(app, "Product emission intensity")
    assert float(tonnes.split()[0]) == pytest.approx(
        float(kg.split()[0].replace(",", "")) / 1000, abs=1e-3
    )
    assert app.session_state["v.fp.grade"] == "po_42_5"


def test_options_page_solves_and_reports_an_unreachable_target(app) -> None:
    go(app, "options")
    assert metric(app, "Discounted cost of the pathway").endswith("million CNY")
    assert len(app.dataframe) >= 2
    # 1 % of the scenario's targets cannot be met by any combination of options.
    app.number_input(key="w.opt.target_scale").set_value(1.0).run()
    assert not app.exception
    assert any("No combination of options" in e.value for e in app.error)
    assert app.session_state["v.opt.target_scale"] == pytest.approx(0.01)


def test_carbon_price_slider_resolves_and_changes_the_comparison(app) -> None:
    go(app, "policy")
    app.toggle(key="w.pol.sw.carbon_price").set_value(True).run()
    app.slider(key="w.pol.lv.carbon_price_cny_per_t").set_value(87.5).run()
    assert app.session_state["v.pol.lv.carbon_price_cny_per_t"] == 87.5
    assert isinstance(app.session_state["v.pol.lv.carbon_price_cny_per_t"], float)
    before = metric(app, "Enterprise net cost")
    assert metric(app, "Abatement") == "0"
    # At 2,000 CNY/t the gas-fired kiln pays back within the 3.3-year barrier.
    app.slider(key="w.pol.lv.carbon_price_cny_per_t").set_value(2000.0).run()
    after = metric(app, "Enterprise net cost")
    assert before != after
    assert float(metric(app, "Abatement").replace(",", "")) > 1e6


def test_percentages_are_stored_as_fractions(app) -> None:
    go(app, "policy")
    app.toggle(key="w.pol.sw.capital_subsidy").set_value(True).run()
    app.slider(key="w.pol.lv.subsidy_share").set_value(15.0).run()
    assert app.session_state["v.pol.lv.subsidy_share"] == 0.15
    # Another page and back: the value and the widget are unchanged.
    go(app, "footprint")
    go(app, "policy")
    assert app.session_state["v.pol.lv.subsidy_share"] == 0.15
    assert app.slider(key="w.pol.lv.subsidy_share").value == 15.0


def policy_values(at: AppTest) -> dict:
    from mitigation.app.policy import LEVEL_WIDGETS
    from mitigation.policy.live import SWITCHES

    keys = [f"v.pol.lv.{k}" for k in LEVEL_WIDGETS]
    keys += [f"v.pol.sw.{s}" for s in SWITCHES]
    keys += ["v.pol.plant", "v.pol.allocation", "v.pol.scopes", "v.pol.tenor"]
    return {k: at.session_state[k] for k in keys if k in at.session_state}


def test_saved_scenario_comes_back_identical(app) -> None:
    go(app, "policy")
    app.toggle(key="w.pol.sw.carbon_price").set_value(True).run()
    app.slider(key="w.pol.lv.carbon_price_cny_per_t").set_value(87.5).run()
    saved_levels = policy_values(app)
    go(app, "workshop")
    app.text_input(key="v.ws.name").set_value("price 87.5").run()
    app.button(key="ws.save").click().run()
    assert any("Saved 'price 87.5'" in s.value for s in app.success)
    # Change everything, then load the saved scenario back.
    go(app, "policy")
    app.slider(key="w.pol.lv.carbon_price_cny_per_t").set_value(10.0).run()
    app.toggle(key="w.pol.sw.max_payback").set_value(False).run()
    go(app, "workshop")
    app.selectbox(key="w.ws.choose").set_value("price 87.5").run()
    app.button(key="ws.load").click().run()
    loaded = policy_values(app)
    assert loaded["v.pol.lv.carbon_price_cny_per_t"] == 87.5
    assert loaded["v.pol.sw.max_payback"] is True
    for key, value in saved_levels.items():
        assert loaded[key] == value, key
        assert type(loaded[key]) is type(value), key
    assert len(app.dataframe) >= 1  # the comparison table of saved scenarios


def import_broken_yaml() -> None:
    """A script run that hands a malformed YAML upload to the workshop's reader
    (AppTest cannot drive a file uploader)."""
    from mitigation.app.workshop import import_yaml

    class Upload:
        name = "broken.yaml"

        def getvalue(self) -> bytes:
            return b"name: [unclosed\n"

    import_yaml(Upload())


def test_malformed_yaml_upload_is_reported_and_nothing_saved_changes(app) -> None:
    from mitigation.app.workshop import store

    store().save("kept", "name: x\n", "name: r\n", {"a": 1.5}, {"b": 2})
    at = AppTest.from_function(import_broken_yaml, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)
    assert any("malformed YAML" in c.value for c in at.code)
    assert store().load("kept").settings == {"a": 1.5}
    # The workshop page still lists and compares what was saved.
    go(app, "workshop")
    assert not app.exception


PAGES = ("footprint", "options", "policy", "workshop", "sensitivity")


def texts(at: AppTest) -> list[str]:
    """Every label and text the page shows."""
    found = []
    for kind in (
        "markdown",
        "header",
        "subheader",
        "caption",
        "title",
        "info",
        "success",
        "warning",
        "error",
    ):
        found += [getattr(e, "value", "") for e in getattr(at, kind)]
    for kind in (
        "selectbox",
        "slider",
        "number_input",
        "toggle",
        "radio",
        "multiselect",
        "text_input",
        "button",
        "metric",
    ):
        found += [e.label for e in getattr(at, kind)]
    for box in at.selectbox:
        found += list(box.options)
    for table in at.dataframe:
        frame = table.value
        found += [*map(str, frame.columns), str(frame.index.name or "")]
    return [str(x) for x in found if x]


def chart_titles(at: AppTest) -> list[str]:
    """Titles of the plotly charts and their axes."""
    found = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        for part in (layout, layout.get("xaxis", {}), layout.get("yaxis", {})):
            title = part.get("title", {})
            found.append(title.get("text", "") if isinstance(title, dict) else title)
    return [t for t in found if t]


def test_language_switch_reaches_every_label(app) -> None:
    app.sidebar.radio(key="w.language").set_value("zh").run()
    assert app.session_state["v.language"] == "zh"
    english = {en for en, zh in CATALOGUE.values() if en != zh and len(en) > 3}
    scenario_names = {
        load_scenario(p).name
        for p in (REPO / "scenarios").rglob("*.yaml")
        if "fleet" not in p.parts  # fleet files are not plant scenarios
    }
    for page in PAGES:
        go(app, page)
        if page == "policy":
            for switch in ("carbon_price", "capital_subsidy", "label_premium"):
                app.toggle(key=f"w.zh.pol.sw.{switch}").set_value(True).run()
        shown = texts(app) + chart_titles(app)
        assert shown, page
        leaked = [s for s in shown if s in english or s in scenario_names]
        assert not leaked, (page, leaked)
        if page == "policy":
            assert "碳价（元/吨二氧化碳当量）" in shown
            assert "单位产品碳排放路径：基准情景与当前设置" in shown
    used = app.session_state["i18n.used"]
    missing = [k for k in used if k not in CATALOGUE or not CATALOGUE[k][1]]
    assert not missing


def test_catalogue_has_both_languages_for_every_key_the_app_uses() -> None:
    """Every key written in the app's source is in the catalogue, in both languages
    (keys built at run time, such as ``sw.<switch>``, are checked by the page walk)."""
    import re

    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (REPO / "src" / "mitigation" / "app").glob("*.py")
    )
    literal = set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", source))
    assert literal, "no catalogue keys found in the source"
    assert sorted(literal - set(CATALOGUE)) == []
    assert [k for k, (en, zh) in CATALOGUE.items() if not en or not zh] == []


def import_text_in_a_number() -> None:
    """A script run importing a scenario whose discount rate is a word, in Chinese."""
    import streamlit as st

    from mitigation.app.workshop import import_yaml

    st.session_state["v.language"] = "zh"

    class Upload:
        name = "words.yaml"

        def getvalue(self) -> bytes:
            text = (
                __import__("conftest").REPO / "scenarios" / "cement_guangdong.yaml"
            ).read_text()
            return text.replace("discount_rate: 0.08", "discount_rate: eight").encode()

    import_yaml(Upload())


def test_text_in_a_number_field_is_reported_in_the_chosen_language(app) -> None:
    at = AppTest.from_function(import_text_in_a_number, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("输入有误" in e.value for e in at.error)
    assert any("discount_rate" in c.value for c in at.code)
    # The session has not taken anything over from the bad file.
    assert "v.pol.imported_yaml" not in at.session_state


def test_both_abatement_cost_curves_on_request(app) -> None:
    go(app, "options")
    app.selectbox(key="w.opt.scenario").set_value("motorcycle_chongqing").run()
    charts_before = len(app.get("plotly_chart"))
    app.button(key="opt.macc_button").click().run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts_before + 2
    titles = chart_titles(app)
    assert "Option by option (each alone against the plant as it is)" in titles
    assert "From the optimisation (interactions counted)" in titles


def test_comparison_exports_to_excel_and_scenarios_to_cli_yaml(tmp_path) -> None:
    import io

    import openpyxl
    import pandas as pd
    from typer.testing import CliRunner

    from mitigation.app.workshop import excel_bytes
    from mitigation.cli import app as cli
    from mitigation.policy.live import PolicySettings, scenario_with, scenario_yaml

    table = pd.DataFrame(
        {"abatement_t": [1234.5, 0.0], "enterprise_cost_mcny": [87.5, 90.25]},
        index=["price 87.5", "reference"],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(table)))["comparison"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("scenario", "abatement_t", "enterprise_cost_mcny")
    assert rows[1] == ("price 87.5", 1234.5, 87.5)

    reference = load_scenario(
        REPO / "scenarios" / "policy" / "cement_guangdong" / "reference.yaml"
    )
    settings = PolicySettings(
        frozenset({"carbon_price", "max_payback"}), {"carbon_price_cny_per_t": 87.5}
    )
    path = tmp_path / "workshop.yaml"
    path.write_text(scenario_yaml(scenario_with(reference, settings)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(REPO), "solve", str(path)])
    assert result.exit_code == 0, result.output
    assert "Guangdong cement line" in result.output


def show_shipped_template() -> None:
    from conftest import REPO as root
    from mitigation.app.footprint import show_uploaded

    path = root / "examples" / "filled" / "cement_guangdong_2025.xlsx"
    show_uploaded(path.name, path.read_bytes())


def show_broken_template() -> None:
    import streamlit as st

    from mitigation.app.footprint import show_uploaded

    st.session_state["v.language"] = "zh"
    show_uploaded("broken.csv", b"sheet,key,unit,value,quality\ncover,product,,x,\n")


def test_uploaded_template_shows_its_footprint_and_verdict() -> None:
    """The shipped 2025 cement template: 670.2 kg/t against the 636.9 kg/t threshold."""
    at = AppTest.from_function(show_shipped_template, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "670.2 kg CO2e"
    assert any("33.3" in w.value for w in at.warning)


def test_a_broken_template_is_reported_in_the_chosen_language() -> None:
    at = AppTest.from_function(show_broken_template, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert any("未知产品" in c.value for c in at.code)


def test_sensitivity_page_runs_a_tornado_live(app) -> None:
    """The shipped uncertain cement scenario, one at a time: the carbon price swings
    the discounted cost most (it is the widest range against the plant's emissions)."""
    go(app, "sensitivity")
    assert not app.error, [e.value for e in app.error]
    table = app.dataframe[0].value
    assert list(table["Parameter"])[0] == "carbon_price"
    assert (table["Swing"] > 0).all()
    app.session_state["w.sens.method"] = "morris"
    app.session_state["v.sens.method"] = "morris"
    app.run()
    assert not app.exception
    assert "mu*" in app.dataframe[0].value.columns
