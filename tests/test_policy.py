"""Instruments on the tiny model, each against a hand-computed answer.

The tiny model's numbers (see test_optimise): ``lean_finish`` always pays, leaving
1 t intermediate per t widget and 1,691 kg CO2e: 676 kg in scope 1 (500 kg from
calcination and 2 GJ coal at 88 kg/GJ), 15 kg in scope 2 (30 kWh at 0.5 kg/kWh) and
1,000 kg in scope 3 (0.5 t steel at 2 t/t). ``efficient_make`` saves 1 GJ coal (88 kg, scope 1, 20 CNY)
per t intermediate for 50 CNY of capital per t/yr over one year: a levelised
abatement cost of 30 / 0.088 = 340.909 CNY per t CO2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mitigation.inputs.scenario import Scenario
from mitigation.optimise.finance import annuity_weight, capital_recovery_factor
from mitigation.policy.compare import compare, prepare_with_policy, solve_outcome

PRODUCTION = 1000.0  # t widget a year
SWITCHING_PRICE = 30 / 0.088  # CNY per t CO2e
SCOPE_1_KG = 676.0  # per t widget with lean_finish only
SCOPE_2_KG = 15.0


def scenario(**changes) -> Scenario:
    fields = {
        "name": "tiny",
        "product": "widget",
        "region": "r1",
        "discount_rate": 0.0,
        "years": [2025],
        "production": "1000 t/yr",
    }
    fields.update(changes)
    return Scenario.model_validate(fields)


def outcome(root: Path, name: str = "tiny", **changes):
    sc = scenario(name=name, **changes)
    return solve_outcome(name, sc, prepare_with_policy(sc, root, name))


def carbon(price: float, **extra) -> dict:
    return {"carbon_price": {"price": f"{price} CNY/t", **extra}}


def test_tiny_scope_split_is_as_stated(tiny_root: Path) -> None:
    fp = outcome(tiny_root).pathway.footprints[2025]
    assert fp.by_scope[1] == pytest.approx(SCOPE_1_KG)
    assert fp.by_scope[2] == pytest.approx(SCOPE_2_KG)
    assert fp.total_kg == pytest.approx(1691.0)


@pytest.mark.parametrize("allocation", [None, "1500 kg/t"])
def test_carbon_price_switches_at_levelised_cost(
    tiny_root: Path, allocation: str | None
) -> None:
    """Free allocation is a lump sum per unit of output: it moves the bill, not the
    price at which efficient_make starts to pay."""
    extra = {} if allocation is None else {"free_allocation": allocation}
    below = outcome(tiny_root, instruments=carbon(SWITCHING_PRICE - 0.5, **extra))
    above = outcome(tiny_root, instruments=carbon(SWITCHING_PRICE + 0.5, **extra))
    assert "efficient_make" not in below.pathway.adoption.index
    assert above.pathway.adoption.loc["efficient_make", 2025] == pytest.approx(1.0)


def test_free_allocation_changes_the_bill_by_benchmark_times_output(
    tiny_root: Path,
) -> None:
    price = 100.0
    plain = outcome(tiny_root, instruments=carbon(price))
    allocated = outcome(
        tiny_root, instruments=carbon(price, free_allocation="1500 kg/t")
    )
    bill = plain.pathway.periods.loc[2025, "carbon_payments_cny_per_yr"]
    assert bill == pytest.approx(price * SCOPE_1_KG, rel=1e-9)  # 676 t x price
    surplus = allocated.pathway.periods.loc[2025, "carbon_payments_cny_per_yr"]
    # 1,500 kg allocated against 676 kg emitted: the plant sells 824 t.
    assert surplus == pytest.approx(-price * 824.0, rel=1e-9)
    difference = plain.pathway.total_cost_mcny - allocated.pathway.total_cost_mcny
    assert difference * 1e6 == pytest.approx(price * 1500.0, rel=1e-9)


def test_covering_scope_2_adds_exactly_its_emissions_to_the_bill(
    tiny_root: Path,
) -> None:
    price = 100.0
    scope_1 = outcome(tiny_root, instruments=carbon(price))
    both = outcome(tiny_root, instruments=carbon(price, covered_scopes=[1, 2]))
    extra = (
        both.pathway.periods.loc[2025, "carbon_payments_cny_per_yr"]
        - scope_1.pathway.periods.loc[2025, "carbon_payments_cny_per_yr"]
    )
    assert extra == pytest.approx(price * SCOPE_2_KG * PRODUCTION / 1000, rel=1e-9)


FORCED = {
    "targets": {"unit": "kg/t", 2025: 2056.25},
    "excluded_options": ["lean_finish"],
}


def test_subsidy_fiscal_cost_is_share_times_adopted_capital(tiny_root: Path) -> None:
    """The target needs 625 t/yr of efficient_make (test_optimise): 31,250 CNY of
    capital, of which the subsidy pays 30 %; the reference builds the same, so every
    yuan of it goes to a free rider."""
    reference = outcome(tiny_root, "reference", **FORCED)
    subsidised = outcome(
        tiny_root,
        "subsidy",
        instruments={"capital_subsidy": {"share": 0.3}},
        **FORCED,
    )
    capital = 625 * 50.0
    periods = subsidised.pathway.periods
    assert periods.loc[2025, "investment_cny"] == pytest.approx(capital, rel=1e-9)
    assert periods.loc[2025, "grants_paid_cny"] == pytest.approx(0.3 * capital)
    assert subsidised.pathway.total_cost_mcny * 1e6 == pytest.approx(
        69_500 + 625 * 30 - 0.3 * capital, rel=1e-9
    )
    table = compare([reference, subsidised], reference, social_rate=0.0)["summary"]
    assert table.loc["subsidy", "public_cost_mcny"] * 1e6 == pytest.approx(
        0.3 * capital
    )
    assert table.loc["subsidy", "free_rider_share"] == pytest.approx(1.0)
    assert table.loc["subsidy", "abatement_t"] == pytest.approx(0.0, abs=1e-6)


def test_subsidy_cap_limits_the_grant_per_option(tiny_root: Path) -> None:
    capped = outcome(
        tiny_root,
        instruments={"capital_subsidy": {"share": 0.3, "cap": "5000 CNY"}},
        **FORCED,
    )
    assert capped.pathway.periods.loc[2025, "grants_paid_cny"] == pytest.approx(5000)


def test_subsidy_makes_an_option_pay_at_its_break_even_share(
    tiny_root: Path,
) -> None:
    """efficient_make saves 20 CNY a year per 50 CNY of capital over one year: it
    pays once the subsidy covers more than 60 %."""
    below = outcome(tiny_root, instruments={"capital_subsidy": {"share": 0.59}})
    above = outcome(tiny_root, instruments={"capital_subsidy": {"share": 0.61}})
    assert "efficient_make" not in below.pathway.adoption.index
    assert above.pathway.adoption.loc["efficient_make", 2025] == pytest.approx(1.0)


def test_green_loan_changes_capital_charge_not_discounting(tiny_root: Path) -> None:
    """At an 8 % discount rate, a 10-year option financed at 3 % over 10 years pays
    CRF(3 %, 10) a year for ten years; their present value at 8 %, spread over the
    lifetime at 8 %, is the yearly charge. The weights of the periods stay."""
    options = tiny_root / "data" / "options" / "widget.csv"
    text = options.read_text().replace(
        "efficient_make,lifetime,,1,", "efficient_make,lifetime,,10,"
    )
    options.write_text(text)
    years = {"discount_rate": 0.08, "years": [2025, 2030], "last_period_years": 5}
    plain = prepare_with_policy(scenario(**years), tiny_root, "plain")
    loan = {"green_loan": {"rate": 0.03, "tenor_years": 10}}
    green = prepare_with_policy(scenario(instruments=loan, **years), tiny_root, "green")
    present_value = capital_recovery_factor(0.03, 10) * annuity_weight(
        0.08, range(10), 0
    )
    expected = present_value * capital_recovery_factor(0.08, 10)
    assert green.capital_charge("efficient_make") == pytest.approx(expected)
    assert plain.capital_charge("efficient_make") == pytest.approx(
        capital_recovery_factor(0.08, 10)
    )
    assert expected < capital_recovery_factor(0.08, 10)
    for t in green.periods:
        assert green.period_weight(t) == plain.period_weight(t)


def test_green_loan_at_the_discount_rate_changes_nothing(tiny_root: Path) -> None:
    same = {"green_loan": {"rate": 0.0, "tenor_years": 1}}
    data = prepare_with_policy(scenario(instruments=same), tiny_root, "loan")
    assert data.capital_charge("efficient_make") == pytest.approx(1.0)


def test_hurdle_rate_raises_the_capital_charge(tiny_root: Path) -> None:
    data = prepare_with_policy(
        scenario(barriers={"hurdle_rate": 0.15}), tiny_root, "hurdle"
    )
    # One-year life: the enterprise wants 1.15 CNY back per CNY invested, and at a
    # zero discount rate that is what the charge is.
    assert data.capital_charge("efficient_make") == pytest.approx(1.15)


def test_payback_barrier_keeps_an_option_out(tiny_root: Path) -> None:
    """efficient_make pays back in 50 / 20 = 2.5 years: a 2-year rule excludes it,
    even against a target, and a subsidy of 40 % (payback 1.5 years) lets it in."""
    target = {"unit": "kg/t", 2025: 1660.0}
    barred = prepare_with_policy(
        scenario(targets=target, barriers={"max_payback_years": 2}),
        tiny_root,
        "barred",
    )
    assert "efficient_make" in barred.excluded
    helped = prepare_with_policy(
        scenario(
            targets=target,
            barriers={"max_payback_years": 2},
            instruments={"capital_subsidy": {"share": 0.4}},
        ),
        tiny_root,
        "helped",
    )
    assert "efficient_make" not in helped.excluded


def test_capital_budget_caps_investment(tiny_root: Path) -> None:
    """With 20,000 CNY to spend, only 400 t/yr of efficient_make can be built, so a
    carbon price above its switching price adopts 40 % instead of all of it."""
    result = outcome(
        tiny_root,
        instruments=carbon(SWITCHING_PRICE + 10),
        barriers={"capital_budget": "20000 CNY"},
    )
    assert result.pathway.adoption.loc["efficient_make", 2025] == pytest.approx(0.4)


def test_energy_tax_moves_the_bill_and_the_choice(tiny_root: Path) -> None:
    """A coal surcharge of 10 CNY/GJ adds 20 CNY per t widget at 2 GJ, and raises
    efficient_make's saving to 30 CNY a year per 50 of capital: still short."""
    tax = {"energy_tax": {"surcharges": {"coal": "10 CNY/GJ"}}}
    taxed = outcome(tiny_root, instruments=tax)
    row = taxed.pathway.periods.loc[2025]
    assert row["surcharges_cny_per_yr"] == pytest.approx(2 * 10 * PRODUCTION)
    assert "efficient_make" not in taxed.pathway.adoption.index
    heavy = {"energy_tax": {"surcharges": {"coal": "31 CNY/GJ"}}}
    adopted = outcome(tiny_root, instruments=heavy).pathway.adoption.index
    assert "efficient_make" in adopted


def test_intensity_standard_binds_like_a_target(tiny_root: Path) -> None:
    standard = {"intensity_standard": {"unit": "kg/t", "ceilings": {2025: 1647.0}}}
    result = outcome(tiny_root, instruments=standard)
    row = result.pathway.periods.loc[2025]
    assert row["intensity_kg_per_fu"] == pytest.approx(1647.0)
    assert row["standard_shadow_price_cny_per_t"] == pytest.approx(SWITCHING_PRICE)


@pytest.mark.parametrize(("premium", "labelled"), [(13.9, False), (14.0, True)])
def test_label_premium_switches_exactly_at_the_threshold_cost(
    tiny_root: Path, premium: float, labelled: bool
) -> None:
    """Reaching 1,650 kg/t from 1,691 needs efficient_make on 41/88 of the
    intermediate, at 30 CNY per t: 13.977 CNY per t widget. A premium above that
    earns the label, one below does not, and a labelled plant stops exactly at the
    threshold."""
    label = {"label_premium": {"threshold": "1650 kg/t", "premium": f"{premium} CNY/t"}}
    result = outcome(tiny_root, instruments=label)
    row = result.pathway.periods.loc[2025]
    if labelled:
        assert row["intensity_kg_per_fu"] == pytest.approx(1650.0, rel=1e-9)
        assert row["label_revenue_cny_per_yr"] == pytest.approx(premium * PRODUCTION)
    else:
        assert row["intensity_kg_per_fu"] == pytest.approx(1691.0, rel=1e-9)
        assert row["label_revenue_cny_per_yr"] == pytest.approx(0.0)


def test_retrofit_reward_pays_per_tce_saved(tiny_root: Path) -> None:
    """efficient_make saves 1 GJ per t intermediate, 1 / 29.3076 tce: 600 CNY/tce
    pays 20.47 CNY per t/yr of capacity, leaving 29.53 of its 50 CNY of capital,
    more than the 20 CNY it saves; 900 CNY/tce pays 30.71 and it is adopted."""
    reward = {"retrofit_reward": {"rate": "600 CNY/tce"}}
    data = prepare_with_policy(scenario(instruments=reward), tiny_root, "reward")
    grant = data.economics.grants["efficient_make"]
    assert grant.per_unit_cny == pytest.approx(600 / 29.3076, rel=1e-9)
    assert (
        "efficient_make"
        not in outcome(tiny_root, instruments=reward).pathway.adoption.index
    )
    generous = {"retrofit_reward": {"rate": "900 CNY/tce"}}
    paid = outcome(tiny_root, instruments=generous)
    assert paid.pathway.adoption.loc["efficient_make", 2025] == pytest.approx(1.0)
    assert paid.pathway.periods.loc[2025, "grants_paid_cny"] == pytest.approx(
        900 / 29.3076 * PRODUCTION, rel=1e-9
    )


def test_retrofit_reward_respects_the_project_threshold(tiny_root: Path) -> None:
    """The project test judges the option against the plant as it is: 1.25 t
    intermediate per t widget, so at most 1,250 GJ a year, 42.65 tce."""

    def rewarded(threshold: str) -> bool:
        reward = {"rate": "900 CNY/tce", "min_project_saving": threshold}
        sc = scenario(instruments={"retrofit_reward": reward})
        data = prepare_with_policy(sc, tiny_root, "reward")
        return "efficient_make" in data.economics.grants

    assert rewarded("42 tce/yr")
    assert not rewarded("43 tce/yr")


def test_retrofit_reward_respects_the_enterprise_threshold(tiny_root: Path) -> None:
    """The plant buys 2.5 GJ coal and 32.5 kWh (0.117 GJ) per t at baseline: 2,617
    GJ, 89.3 tce a year."""

    def rewarded(threshold: str) -> bool:
        reward = {"rate": "900 CNY/tce", "min_enterprise_energy": threshold}
        sc = scenario(instruments={"retrofit_reward": reward})
        data = prepare_with_policy(sc, tiny_root, "reward")
        return "efficient_make" in data.economics.grants

    assert rewarded("89 tce/yr")
    assert not rewarded("90 tce/yr")


def test_baseline_allocation_grandfathers_the_plants_own_intensity(
    tiny_root: Path,
) -> None:
    """At baseline (1.25 t intermediate) scope 1 is 625 kg calcination and 2.5 GJ
    coal, 220 kg: 845 kg/t. With lean_finish the plant emits 676 kg and sells the
    169 kg difference."""
    price = 100.0
    result = outcome(tiny_root, instruments=carbon(price, free_allocation="baseline"))
    payments = result.pathway.periods.loc[2025, "carbon_payments_cny_per_yr"]
    assert payments == pytest.approx(-price * 169.0, rel=1e-9)


@pytest.mark.parametrize(
    ("quota", "share", "surcharge"),
    [
        # Under the quota with lean_finish alone (2.108 GJ, 71.93 kgce per t).
        ("80 kgce/t", 0.0, 0.0),
        # 60 kgce/t is 1.758456 GJ: efficient_make on 0.349544 of the intermediate
        # costs 10,486 CNY, less than the 20,000 CNY surcharge on 2 GJ a t.
        ("60 kgce/t", 0.349544, 0.0),
        # 40 kgce/t would need 0.9357 of it, 28,071 CNY: paying is cheaper.
        ("40 kgce/t", 0.0, 20_000.0),
    ],
)
def test_energy_tax_above_a_quota_is_owed_only_over_it(
    tiny_root: Path, quota: str, share: float, surcharge: float
) -> None:
    tax = {"energy_tax": {"surcharges": {"coal": "10 CNY/GJ"}, "above_quota": quota}}
    result = outcome(tiny_root, instruments=tax)
    row = result.pathway.periods.loc[2025]
    adoption = result.pathway.adoption
    adopted = (
        adoption.loc["efficient_make", 2025]
        if "efficient_make" in adoption.index
        else 0
    )
    assert adopted == pytest.approx(share, abs=1e-6)
    assert row["surcharges_cny_per_yr"] == pytest.approx(surcharge, abs=1e-6)
    if share:
        assert row["energy_kgce_per_fu"] == pytest.approx(60.0)
