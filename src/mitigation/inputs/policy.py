"""Schemas of the policy instruments and barriers a scenario may declare.

Amounts are written with their units (``"95.96 CNY/t"``); a value that changes over
time is a mapping from year to amount, each holding until the next year listed.
Every instrument is optional, and several can be combined in one scenario; see
``scenarios/README.md`` for the format.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

Schedule = StrictStr | dict[StrictInt, StrictStr]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CarbonPrice(Strict):
    """A price on covered emissions, with optional intensity-based free allocation."""

    price: Schedule
    covered_scopes: list[Literal[1, 2, 3]] = Field(default=[1], min_length=1)
    # Benchmark per functional unit ("540 kg/t"), or "baseline": the plant's own
    # covered intensity as it is, allowances grandfathered per unit of output.
    free_allocation: Schedule | None = None

    source: StrictStr = ""


class CapitalSubsidy(Strict):
    """A share of eligible options' capital cost, optionally capped per project."""

    share: float = Field(ge=0, le=1)
    cap: StrictStr | None = None  # CNY per option and period
    options: list[StrictStr] | None = None  # eligible options; all when omitted
    source: StrictStr = ""


class RetrofitReward(Strict):
    """A one-off reward per tonne of coal equivalent of annual saving."""

    rate: StrictStr  # e.g. "300 CNY/tce"
    min_project_saving: StrictStr = "0 tce/yr"
    min_enterprise_energy: StrictStr = "0 tce/yr"
    options: list[StrictStr] | None = None
    source: StrictStr = ""


class EnergyTax(Strict):
    """A surcharge per unit of purchased commodities (a differential tariff),
    optionally owed only in periods when the energy bought per functional unit is
    above a quota (``"109 kgce/t"``; electricity counted at 3.6 MJ/kWh)."""

    surcharges: dict[StrictStr, Schedule]  # commodity -> amount per unit
    above_quota: Schedule | None = None
    source: StrictStr = ""


class IntensityStandard(Strict):
    """A mandatory ceiling per period, in kg CO2e per functional unit; each ceiling
    holds from its year, which must start a period, until the next."""

    unit: StrictStr
    ceilings: dict[StrictInt, float]
    source: StrictStr = ""


class LabelPremium(Strict):
    """Extra revenue per functional unit in periods that meet the label threshold."""

    threshold: StrictStr  # e.g. "600 kg/t"
    premium: StrictStr  # e.g. "20 CNY/t", per functional unit
    source: StrictStr = ""


class GreenLoan(Strict):
    """A cheaper loan for eligible options' capital."""

    rate: float = Field(ge=0, le=1)
    tenor_years: float = Field(gt=0)
    options: list[StrictStr] | None = None
    source: StrictStr = ""


class Instruments(Strict):
    carbon_price: CarbonPrice | None = None
    capital_subsidy: CapitalSubsidy | None = None
    retrofit_reward: RetrofitReward | None = None
    energy_tax: EnergyTax | None = None
    intensity_standard: IntensityStandard | None = None
    label_premium: LabelPremium | None = None
    green_loan: GreenLoan | None = None

    @property
    def declared(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name)]


class Barriers(Strict):
    """Why an enterprise may not take options that pay on paper."""

    hurdle_rate: float | None = Field(default=None, ge=0, le=1)
    max_payback_years: float | None = Field(default=None, gt=0)
    capital_budget: Schedule | None = None  # CNY of capital per period
    source: StrictStr = ""
