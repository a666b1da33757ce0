"""The result of a solved pathway, as plain pandas tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from mitigation.process.footprint import Footprint


@dataclass(frozen=True)
class Pathway:
    """A least-cost pathway for one scenario.

    Attributes
    ----------
    periods
        One row per period (indexed by first year): production, emissions, intensity
        against target and baseline, abatement, annual costs by kind, and for binding
        targets the shadow price in CNY per t CO2e.
    adoption
        Share of its first output commodity that each option supplies, per period
        (options as rows, years as columns); options never adopted are left out.
    capacity
        Capacity in service per option and period, in activity units per year.
    footprints
        The footprint of each period's configuration per functional unit, recomputed
        from the activities by the process model.
    """

    scenario: str
    product: str
    grade: str
    region: str
    functional_unit: str
    intensity_unit: str
    periods: pd.DataFrame
    adoption: pd.DataFrame
    capacity: pd.DataFrame
    activity: pd.DataFrame
    footprints: dict[int, Footprint]
    baseline: Footprint
    total_cost_mcny: float
    salvage_value_mcny: float
    discount_rate: float
    solve_seconds: float
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def binding_targets(self) -> pd.DataFrame:
        rows = self.periods[self.periods["binding"]]
        return rows[
            ["target_kg_per_fu", "intensity_kg_per_fu", "shadow_price_cny_per_t"]
        ]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table under the name it is exported with."""
        stage_rows = []
        for year, fp in self.footprints.items():
            frame = fp.by_stage_scope.copy()
            frame.columns = [f"scope_{c}_kg_per_fu" for c in frame.columns]
            frame.insert(0, "year", year)
            stage_rows.append(frame.rename_axis("stage").reset_index())
        settings = {
            "scenario": self.scenario,
            **self.settings,
            "intensity_unit": self.intensity_unit,
            "baseline_kg_per_fu": self.baseline.total_kg,
            "discounted_cost_mcny": self.total_cost_mcny,
            "salvage_value_mcny": self.salvage_value_mcny,
        }
        return {
            "settings": pd.DataFrame(
                {"item": list(settings), "value": list(settings.values())}
            ),
            "periods": self.periods.reset_index(),
            "adoption": self.adoption.rename_axis("option").reset_index(),
            "capacity": self.capacity.rename_axis("option").reset_index(),
            "activity": self.activity.rename_axis("process").reset_index(),
            "footprint_by_stage": pd.concat(stage_rows, ignore_index=True),
        }
