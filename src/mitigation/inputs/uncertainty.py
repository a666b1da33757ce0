"""The uncertain parameters a scenario declares, with their distributions.

In a scenario file::

    uncertain:
      - name: coal_price
        changes: price:thermal_coal_5500_energy   # what the number changes
        distribution: {triangular: {low: 0.8, mode: 1.0, high: 1.5}}
      - name: discount_rate
        changes: discount_rate
        distribution: {uniform: {low: 0.05, high: 0.12}}

What a parameter changes, and what its number means:

=============================  ============================================  =======
``changes``                    effect of the sampled number                  kind
=============================  ============================================  =======
``price:<price id>``           multiplies that price of ``data/prices.csv``   factor
``grid_factor``                multiplies the grid emission factor            factor
``emission_factor:<commodity>`` multiplies a purchased commodity's factor     factor
``capex:<option>`` / ``capex``  multiplies one option's or every capital cost factor
``target``                     multiplies every intensity target              factor
``carbon_price``               CNY per t CO2e in every period                 value
``discount_rate``              the enterprise's discount rate, a fraction     value
=============================  ============================================  =======

Distributions carry explicit keys: ``uniform: {low, high}``, ``normal: {mean, sd}``,
``lognormal: {mean_log, sd_log}`` (the mean and standard deviation of the natural
logarithm of the number), ``triangular: {low, mode, high}``.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)

from mitigation.inputs.errors import FieldError

VALUE_KINDS = ("carbon_price", "discount_rate")
FACTOR_KINDS = ("price", "grid_factor", "emission_factor", "capex", "target")


def _finite(value: float) -> float:
    if isinstance(value, bool) or not math.isfinite(value):
        raise FieldError(f"must be a finite number, not {value}", "write a number")
    return value


Number = Annotated[float, Field(allow_inf_nan=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Uniform(_Strict):
    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        for value in (self.low, self.high):
            _finite(value)
        if not self.low < self.high:
            raise FieldError(
                f"low {self.low:g} must be below high {self.high:g}",
                "give the range as low and high",
            )
        return self


class Normal(_Strict):
    mean: Number
    sd: Number

    @model_validator(mode="after")
    def _positive_sd(self) -> Normal:
        for value in (self.mean, self.sd):
            _finite(value)
        if not self.sd > 0:
            raise FieldError(f"sd must be above zero, found {self.sd:g}", "give sd > 0")
        return self


class LogNormal(_Strict):
    mean_log: Number
    sd_log: Number

    @model_validator(mode="after")
    def _positive_sd(self) -> LogNormal:
        for value in (self.mean_log, self.sd_log):
            _finite(value)
        if not self.sd_log > 0:
            raise FieldError(
                f"sd_log must be above zero, found {self.sd_log:g}",
                "give the standard deviation of the logarithm, > 0",
            )
        return self


class Triangular(_Strict):
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        for value in (self.low, self.mode, self.high):
            _finite(value)
        # SALib places the peak at a fraction c of the width with 0 <= c < 1.
        if not self.low <= self.mode < self.high:
            raise FieldError(
                f"needs low <= mode < high, found {self.low:g}, {self.mode:g}, "
                f"{self.high:g}",
                "order the three numbers; a mode at high is not allowed, lower it a "
                "little",
            )
        return self


class Distribution(_Strict):
    """Exactly one of the four distributions."""

    uniform: Uniform | None = None
    normal: Normal | None = None
    lognormal: LogNormal | None = None
    triangular: Triangular | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Distribution:
        given = [name for name in type(self).model_fields if getattr(self, name)]
        if len(given) != 1:
            raise FieldError(
                f"give exactly one distribution, found {len(given)}",
                "write one of uniform: {low, high}, normal: {mean, sd}, "
                "lognormal: {mean_log, sd_log}, triangular: {low, mode, high}",
            )
        return self

    @property
    def kind(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name))

    @property
    def spec(self) -> BaseModel:
        return getattr(self, self.kind)

    @property
    def bounded(self) -> bool:
        return self.kind in ("uniform", "triangular")


class UncertainParameter(_Strict):
    name: StrictStr
    changes: StrictStr
    distribution: Distribution
    note: StrictStr = ""

    @field_validator("changes")
    @classmethod
    def _known_change(cls, changes: str) -> str:
        kind, _, target = changes.partition(":")
        if kind not in (*VALUE_KINDS, *FACTOR_KINDS):
            raise FieldError(
                f"unknown change '{changes}'",
                "use price:<price id>, grid_factor, emission_factor:<commodity>, "
                "capex or capex:<option>, target, carbon_price or discount_rate",
            )
        if kind in ("price", "emission_factor") and not target:
            raise FieldError(
                f"'{changes}' does not say which one",
                f"write {kind}:<id>, e.g. {kind}:electricity",
            )
        if kind in ("grid_factor", "target", *VALUE_KINDS) and target:
            raise FieldError(f"'{kind}' takes no ':<id>'", f"write {kind} alone")
        return changes

    @property
    def kind(self) -> str:
        return self.changes.partition(":")[0]

    @property
    def target(self) -> str:
        return self.changes.partition(":")[2]
