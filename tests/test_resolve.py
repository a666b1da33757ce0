"""Re-solving a built model at new instrument levels gives the optimum a fresh build
gives, for every shipped plant and every instrument a live session can move."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import REPO
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.pathway import solve_pathway
from mitigation.policy.live import LEVELS, LiveComparison, PolicySettings

PLANTS = ["cement_guangdong", "aluminium_chongqing", "motorcycle_chongqing"]

# Levels a facilitator might try, in the order moved, each on top of the last.
MOVES = [
    {"carbon_price_cny_per_t": 200.0},
    {"carbon_price_cny_per_t": 0.0, "subsidy_share": 0.5},
    {"subsidy_share": 0.0, "reward_cny_per_tce": 600.0},
    {"surcharge_cny_per_kwh": 0.3, "hurdle_rate": 0.12},
    {"loan_rate": 0.01, "max_payback_years": 8.0},
    {"carbon_price_cny_per_t": 87.5, "subsidy_share": 0.15, "loan_rate": 0.05},
]

SWITCHED_ON = frozenset(
    {
        "carbon_price",
        "capital_subsidy",
        "retrofit_reward",
        "energy_tax",
        "green_loan",
        "hurdle_rate",
        "max_payback",
    }
)


@pytest.fixture(scope="module", params=PLANTS)
def live(request) -> LiveComparison:
    reference = load_scenario(
        REPO / "scenarios" / "policy" / request.param / "reference.yaml"
    )
    return LiveComparison(reference, PolicySettings(SWITCHED_ON), REPO)


def fresh(live: LiveComparison):
    return solve_pathway(live._data_at(live.resolver.levels))


def test_resolve_matches_a_fresh_build_at_each_level(live) -> None:
    for move in MOVES:
        resolved = live.outcome(move).pathway
        built = fresh(live)
        assert resolved.total_cost_mcny == pytest.approx(
            built.total_cost_mcny, rel=1e-6, abs=1e-6
        ), move
        assert resolved.periods["intensity_kg_per_fu"].to_numpy() == pytest.approx(
            built.periods["intensity_kg_per_fu"].to_numpy(), rel=1e-6
        ), move


def test_model_is_built_once_for_levels_that_enter_linearly(live) -> None:
    builds = live.resolver.builds
    live.outcome({"carbon_price_cny_per_t": 150.0, "subsidy_share": 0.3})
    live.outcome({"reward_cny_per_tce": 100.0, "surcharge_cny_per_kwh": 0.05})
    assert live.resolver.builds == builds
    # The loan rate enters through an annuity factor: moving it re-probes.
    assert "loan_rate" in live.resolver.curved


def test_label_and_standard_resolve_like_a_fresh_build() -> None:
    """A label premium makes the model mixed-integer; a standard adds a ceiling."""
    reference = load_scenario(
        REPO / "scenarios" / "policy" / "cement_guangdong" / "reference.yaml"
    )
    settings = PolicySettings(
        frozenset({"carbon_price", "label_premium", "intensity_standard"}),
        {
            "label_threshold_kg_per_fu": 636.9,
            "label_premium_cny_per_fu": 5.0,
            "standard_kg_per_fu": 700.0,
        },
    )
    live = LiveComparison(reference, settings, REPO)
    for move in [
        {"label_premium_cny_per_fu": 40.0},
        {"standard_kg_per_fu": 620.0, "carbon_price_cny_per_t": 50.0},
        {"label_threshold_kg_per_fu": 600.0},
    ]:
        resolved = live.outcome(move).pathway
        built = fresh(live)
        assert resolved.total_cost_mcny == pytest.approx(
            built.total_cost_mcny, rel=1e-6
        ), move


def test_settings_keep_type_and_precision() -> None:
    settings = PolicySettings(levels={"carbon_price_cny_per_t": 87.5})
    assert settings.levels["carbon_price_cny_per_t"] == 87.5
    assert settings.levels["subsidy_share"] == LEVELS["subsidy_share"][2] == 0.15
    again = dataclasses.replace(settings, levels=dict(settings.levels))
    assert again == settings


def test_exported_yaml_is_the_scenario_the_command_line_reads(tmp_path) -> None:
    from mitigation.inputs.data import FactorData
    from mitigation.inputs.scenario import load_scenario
    from mitigation.policy.live import scenario_with, scenario_yaml, settings_from

    reference = load_scenario(
        REPO / "scenarios" / "policy" / "cement_guangdong" / "reference.yaml"
    )
    settings = PolicySettings(
        SWITCHED_ON | {"label_premium", "capital_budget"},
        {
            "carbon_price_cny_per_t": 87.5,
            "subsidy_share": 0.15,
            "label_threshold_kg_per_fu": 636.9,
            "capital_budget_mcny": 12.5,
        },
        allocation="benchmark",
        covered_scopes=(1, 2),
    )
    scenario = scenario_with(reference, settings, "workshop 1")
    path = tmp_path / "workshop.yaml"
    path.write_text(scenario_yaml(scenario), encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded == scenario
    again, simplified = settings_from(loaded, FactorData(REPO / "data"))
    assert simplified == []
    assert again.structure[:4] == settings.structure[:4]
    assert again.levels == settings.levels
    assert scenario_with(reference, again, "workshop 1") == scenario


POLICY_FILES = sorted((REPO / "scenarios" / "policy").glob("*/*.yaml"))


@pytest.mark.parametrize(
    "path", POLICY_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in POLICY_FILES]
)
def test_each_shipped_instrument_file_resolves_like_the_command_line(path) -> None:
    """A shipped file's instruments read into live settings give the pathway the
    command line gives for the file; doubling every level re-solves like a fresh
    build."""
    from mitigation.inputs.data import FactorData
    from mitigation.policy.compare import prepare_with_policy
    from mitigation.policy.live import settings_from

    shipped = load_scenario(path)
    reference = load_scenario(path.parent / "reference.yaml")
    settings, simplified = settings_from(shipped, FactorData(REPO / "data"))
    assert simplified == []
    live = LiveComparison(reference, settings, REPO)
    own = live.outcome({}).pathway
    cli = solve_pathway(prepare_with_policy(shipped, REPO, str(path)))
    assert own.total_cost_mcny == pytest.approx(cli.total_cost_mcny, rel=1e-6)
    doubled = {
        k: 2 * settings.levels[k]
        for k in (
            "carbon_price_cny_per_t",
            "reward_cny_per_tce",
            "surcharge_cny_per_kwh",
        )
    }
    resolved = live.outcome(doubled).pathway
    assert resolved.total_cost_mcny == pytest.approx(
        fresh(live).total_cost_mcny, rel=1e-6
    )


def test_hurdle_rate_enters_through_annuities_and_is_reprobed() -> None:
    reference = load_scenario(
        REPO / "scenarios" / "policy" / "aluminium_chongqing" / "reference.yaml"
    )
    live = LiveComparison(
        reference, PolicySettings(frozenset({"hurdle_rate", "carbon_price"})), REPO
    )
    assert "hurdle_rate" in live.resolver.curved
    for move in [
        {"hurdle_rate": 0.05},
        {"carbon_price_cny_per_t": 300.0},
        {"hurdle_rate": 0.3},
    ]:
        resolved = live.outcome(move).pathway
        assert resolved.total_cost_mcny == pytest.approx(
            fresh(live).total_cost_mcny, rel=1e-6
        ), move
