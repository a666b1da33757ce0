"""The emission factors, prices and reference levels of ``data/``, with lookups.

:class:`FactorData` reads every table once and answers the questions a process model
asks: the CO2 factor of a fuel per unit of a commodity, the grid factor of a region,
the cradle-to-gate factor of a material, the GWP-weighted process emission factors and
the price of a commodity. Each answer is a :class:`Factor` that keeps the rows it was
computed from, so a footprint can always show its sources.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.tables import (
    Figure,
    FuelRow,
    GridRow,
    GwpRow,
    MaterialRow,
    OptionRow,
    PolicyLevelRow,
    PriceRow,
    ProcessEmissionRow,
    QuotaRow,
    RegionRow,
    read_table,
)
from mitigation.units import Quantity, convert, parse_unit, ureg

logger = logging.getLogger(__name__)

CARBON_TO_CO2 = 44.0 / 12.0
GRID_BASES = ("latest", "regional_2012")


@dataclass(frozen=True)
class Factor:
    """A number in a stated unit, and the data rows it comes from."""

    value: float
    unit: str
    figures: tuple[Figure, ...]

    @property
    def sources(self) -> str:
        return "; ".join(sorted({_cite(figure) for figure in self.figures}))


def _cite(figure: Figure) -> str:
    where = f", {figure.locator}" if figure.locator else ""
    return f"{figure.source}{where} [{figure.read_in}]"


class FactorData:
    """All tables of a data directory, read and checked once."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.fuels = read_table(self.directory / "fuels.csv", FuelRow)
        self.grid = read_table(self.directory / "grid_factors.csv", GridRow)
        self.regions = {
            row.region: row
            for row in read_table(self.directory / "regions.csv", RegionRow)
        }
        self.process_emissions = {
            row.factor: row
            for row in read_table(
                self.directory / "process_emissions.csv", ProcessEmissionRow
            )
        }
        self.gwp = read_table(self.directory / "gwp.csv", GwpRow)
        self.materials = {
            row.material: row
            for row in read_table(self.directory / "materials.csv", MaterialRow)
        }
        self.prices = read_table(self.directory / "prices.csv", PriceRow)
        self.quotas = read_table(self.directory / "quotas.csv", QuotaRow)
        self.policy_levels = read_table(
            self.directory / "policy_levels.csv", PolicyLevelRow
        )
        logger.debug("Data | %s | read", self.directory)

    def setting_problems(
        self,
        region: str,
        grid_basis: str,
        fuel_dataset: str,
        gwp_set: str,
        where: Callable[[str], str],
    ) -> list[Problem]:
        """Everything wrong with a choice of region and data sets.

        ``where`` turns a setting's name (``region``) into the place the user wrote
        it: a scenario field or a command-line option.
        """
        problems = []
        if region not in self.regions:
            problems.append(
                Problem(
                    where("region"),
                    f"unknown region '{region}'",
                    f"regions in {self.directory / 'regions.csv'}: "
                    f"{', '.join(sorted(self.regions))}",
                )
            )
        if grid_basis not in GRID_BASES:
            problems.append(
                Problem(
                    where("grid_basis"),
                    f"unknown grid basis '{grid_basis}'",
                    f"use {' or '.join(GRID_BASES)}",
                )
            )
        elif region in self.regions:
            try:
                self.grid_factor(region, grid_basis)
            except InputError as err:
                problems += [
                    Problem(where("grid_basis"), p.what, f"{p.fix} in {p.where}")
                    for p in err.problems
                ]
        if fuel_dataset not in self.fuel_datasets():
            problems.append(
                Problem(
                    where("fuel_dataset"),
                    f"unknown fuel data set '{fuel_dataset}'",
                    f"data sets in {self.directory / 'fuels.csv'}: "
                    f"{', '.join(self.fuel_datasets())}",
                )
            )
        gwp_sets = sorted({row.gwp_set for row in self.gwp})
        if gwp_set not in gwp_sets:
            problems.append(
                Problem(
                    where("gwp_set"),
                    f"unknown GWP set '{gwp_set}'",
                    f"GWP sets in {self.directory / 'gwp.csv'}: {', '.join(gwp_sets)}",
                )
            )
        return problems

    # -- fuels -------------------------------------------------------------------

    def fuel_datasets(self) -> list[str]:
        return sorted({row.dataset for row in self.fuels})

    def _fuel_parameter(self, fuel: str, dataset: str, parameter: str) -> FuelRow:
        for row in self.fuels:
            if (row.fuel, row.dataset, row.parameter) == (fuel, dataset, parameter):
                return row
        known = sorted({row.fuel for row in self.fuels if row.dataset == dataset})
        where = f"{self.directory / 'fuels.csv'}"
        msg = f"no {parameter} for fuel '{fuel}' in data set '{dataset}'"
        fix = f"fuels known in {dataset}: {', '.join(known)}"
        raise input_error(where, msg, fix)

    def fuel_co2_per_energy(self, fuel: str, dataset: str) -> Factor:
        """Combustion CO2 per GJ of net calorific value.

        IPCC rows give the factor directly (Table 1.4). The Chinese default rows give
        carbon content and oxidation rate, and the factor is
        :math:`CC \\times OF \\times 44/12`.
        """
        if dataset not in self.fuel_datasets():
            where = str(self.directory / "fuels.csv")
            fix = f"choose one of {', '.join(self.fuel_datasets())}"
            raise input_error(where, f"unknown fuel data set '{dataset}'", fix)
        direct = [
            row
            for row in self.fuels
            if (row.fuel, row.dataset, row.parameter) == (fuel, dataset, "co2_factor")
        ]
        if direct:
            row = direct[0]
            value = convert(
                Quantity(row.value, parse_unit(row.unit, _where(row))),
                "kg/GJ",
                _where(row),
            )
            return Factor(value, "kg/GJ", (row,))
        carbon = self._fuel_parameter(fuel, dataset, "carbon_content")
        oxidation = self._fuel_parameter(fuel, dataset, "oxidation_rate")
        carbon_kg_per_gj = convert(
            Quantity(carbon.value, parse_unit(carbon.unit, _where(carbon))),
            "kg/GJ",
            _where(carbon),
        )
        oxidised = convert(
            Quantity(oxidation.value, parse_unit(oxidation.unit, _where(oxidation))),
            "dimensionless",
            _where(oxidation),
        )
        value = carbon_kg_per_gj * oxidised * CARBON_TO_CO2
        return Factor(value, "kg/GJ", (carbon, oxidation))

    def fuel_co2_per_unit(self, fuel: str, dataset: str, unit: str) -> Factor:
        """Combustion CO2 in kg per ``unit`` of the fuel (an energy, mass or volume)."""
        per_energy = self.fuel_co2_per_energy(fuel, dataset)
        energy, ncv_rows = self.fuel_energy_per_unit(fuel, dataset, unit)
        return Factor(
            per_energy.value * energy, f"kg/{unit}", (*per_energy.figures, *ncv_rows)
        )

    def fuel_energy_per_unit(
        self, fuel: str, dataset: str, unit: str
    ) -> tuple[float, tuple[FuelRow, ...]]:
        """GJ of net calorific value in one ``unit`` of the fuel, and the rows used.

        A commodity counted in energy needs no calorific value. Otherwise the data
        set's own value is used where its unit fits (IPCC gives gas per tonne, the
        Chinese defaults per 10^4 Nm3); failing that, another data set's value that
        fits, which the returned rows show.
        """
        if Quantity(1, unit).check("[energy]"):
            return convert(Quantity(1, unit), "GJ", unit), ()
        rows = [r for r in self.fuels if r.fuel == fuel and r.parameter == "ncv"]
        rows.sort(key=lambda r: r.dataset != dataset)
        for row in rows:
            per_unit = Quantity(row.value, parse_unit(row.unit, _where(row)))
            if per_unit.check(f"[energy]/({_dimension_text(unit)})"):
                return convert(per_unit, f"GJ/({unit})", _where(row)), (row,)
        where = str(self.directory / "fuels.csv")
        msg = f"no calorific value of '{fuel}' per {unit} in any data set"
        fix = "count the commodity in energy (GJ) or add an NCV row in its unit"
        raise input_error(where, msg, fix)

    # -- electricity -------------------------------------------------------------

    def region(self, region: str) -> RegionRow:
        if region not in self.regions:
            where = str(self.directory / "regions.csv")
            fix = f"known regions: {', '.join(sorted(self.regions))}"
            raise input_error(where, f"unknown region '{region}'", fix)
        return self.regions[region]

    def grid_factor(self, region: str, basis: str) -> Factor:
        """Average CO2 per kWh of purchased electricity in a region.

        ``latest`` takes the most recent MEE/NBS provincial (or national) factor;
        ``regional_2012`` takes the NDRC 2012 average of the regional grid the province
        then belonged to.
        """
        row = self.region(region)
        if basis == "latest":
            grid, years = row.province_grid, None
        elif basis == "regional_2012":
            grid, years = row.regional_grid_2012, {2012}
        else:
            fix = f"choose one of {', '.join(GRID_BASES)}"
            raise input_error("grid_basis", f"unknown grid basis '{basis}'", fix)
        candidates = [
            g
            for g in self.grid
            if g.grid == grid and (years is None or g.year in years)
        ]
        if not grid or not candidates:
            where = str(self.directory / "grid_factors.csv")
            msg = f"no {basis} grid factor for region '{region}'"
            fix = (
                "choose another grid basis or region, or add the factor with its source"
            )
            raise input_error(where, msg, fix)
        latest = max(candidates, key=lambda g: g.year)
        value = convert(
            Quantity(latest.value, parse_unit(latest.unit, _where(latest))),
            "kg/kWh",
            _where(latest),
        )
        return Factor(value, "kg/kWh", (latest,))

    # -- materials and process emissions ------------------------------------------

    def material_factor(self, material: str, unit: str) -> Factor:
        """Cradle-to-gate kg CO2e per ``unit`` of a purchased material."""
        if material not in self.materials:
            where = str(self.directory / "materials.csv")
            fix = f"known materials: {', '.join(sorted(self.materials))}"
            raise input_error(where, f"unknown material '{material}'", fix)
        row = self.materials[material]
        per_mass = Quantity(row.value, parse_unit(row.unit, _where(row)))
        value = convert(per_mass * Quantity(1, unit), "kg", _where(row))
        return Factor(value, f"kg/{unit}", (row,))

    def gwp_value(self, gas: str, gwp_set: str) -> Figure:
        for row in self.gwp:
            if row.gas == gas and row.gwp_set == gwp_set:
                return row
        where = str(self.directory / "gwp.csv")
        sets = sorted({row.gwp_set for row in self.gwp})
        fix = f"GWP sets with rows: {', '.join(sets)}"
        raise input_error(where, f"no GWP for {gas} in set '{gwp_set}'", fix)

    def process_factor(self, factor: str, gwp_set: str) -> tuple[Factor, str]:
        """GWP-weighted kg CO2e per unit of the factor's denominator.

        Returns the factor and the denominator unit (``t`` for per t clinker).
        """
        if factor not in self.process_emissions:
            where = str(self.directory / "process_emissions.csv")
            fix = f"known factors: {', '.join(sorted(self.process_emissions))}"
            raise input_error(where, f"unknown process emission factor '{factor}'", fix)
        row = self.process_emissions[factor]
        quantity = Quantity(row.value, parse_unit(row.unit, _where(row)))
        denominator = _denominator(row.unit)
        gas_mass = convert(quantity * Quantity(1, denominator), "kg", _where(row))
        gwp = self.gwp_value(row.gas, gwp_set)
        return Factor(
            gas_mass * gwp.value, f"kg/{denominator}", (row, gwp)
        ), denominator

    # -- prices ------------------------------------------------------------------

    def price(self, price_id: str, region: str, unit: str) -> Factor:
        """Price in CNY per ``unit``: the region's latest row, else the national one."""
        rows = [row for row in self.prices if row.commodity == price_id]
        if not rows:
            where = str(self.directory / "prices.csv")
            known = ", ".join(sorted({row.commodity for row in self.prices}))
            raise input_error(where, f"unknown price '{price_id}'", f"known: {known}")
        rows = [
            r
            for r in rows
            if Quantity(1, parse_unit(r.unit, _where(r))).check(
                f"[currency_cny]/({_dimension_text(unit)})"
            )
        ]
        if not rows:
            where = str(self.directory / "prices.csv")
            msg = f"no price '{price_id}' in CNY per {unit}"
            raise input_error(where, msg, "add a row in CNY per the commodity's unit")
        regional = [row for row in rows if row.region == region]
        national = [row for row in rows if row.region == "national"]
        chosen = max(regional or national or rows, key=lambda row: row.year)
        per_unit = Quantity(chosen.value, parse_unit(chosen.unit, _where(chosen)))
        per_unit = per_unit * Quantity(1, unit)
        value = convert(per_unit, "CNY", _where(chosen))
        return Factor(value, f"CNY/{unit}", (chosen,))

    def options_table(self, product: str) -> list[OptionRow]:
        return read_table(self.directory / "options" / f"{product}.csv", OptionRow)


def _where(figure: Figure) -> str:
    return f"data row '{figure.source}' ({figure.unit})"


def _dimension_text(unit: str) -> str:
    """Pint's dimensionality of a unit as text, for ``Quantity.check``."""
    return str(ureg.parse_units(unit).dimensionality)


def _denominator(unit: str) -> str:
    """The unit after the last top-level '/' of a factor's unit (``kg/t`` gives ``t``)."""
    if "/" not in unit:
        msg = f"a process emission factor needs a unit per activity, got '{unit}'"
        raise input_error("data/process_emissions.csv", msg, "write it as 'kg/t'")
    return unit.split("/", 1)[1].strip().strip("()")
