"""Which activity data a plant reports for one year, derived from its process model.

A plant reports, stage by stage of the model:

- **outputs**: each commodity a baseline process of the stage makes that leaves the
  stage (the product, clinker for the grinding stage, billet for extrusion). The
  product's output is required, and so is the output of a process with process
  emissions (clinker, whose calcination is counted per t); the others serve the
  consistency checks and may be left empty;
- **purchases**: each purchased commodity (fuel, electricity, material) that any
  process of the stage consumes, the options included, so that a plant that has
  switched its kiln to gas reports its gas where the template asks for it;
- on a site sheet, the **metered total** bought of each purchased commodity used in
  more than one stage, to check the stages against the main meter, and the amount of
  a purchased commodity made on site (electricity from waste heat or rooftop PV),
  which lowers what is bought for every stage alike, as the process model counts it;
- on a measures sheet, the **share** each option supplied of its output, for
  monitoring against the optimal plan.

The plausible range of each amount is stated per functional unit of product and is a
screening band, not a factor: for a purchase, zero to three times the largest amount
any process of the stage (baseline or option) would use at the model's reference
plant; for an output, half the smallest to one and a half times the largest amount
the model's recipes call for. A value outside it is most often a slip of unit or
digits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd

from mitigation.inputs.model_file import ModelFile, load_model_file
from mitigation.process.network import PURCHASE_PREFIX, Network, Setting, load_network
from mitigation.report.translations import Language, term

logger = logging.getLogger(__name__)

TEMPLATE_VERSION = "1"
SITE_SHEET = "site"
OPTIONS_SHEET = "options"
COVER_SHEET = "cover"
PURCHASE_RANGE_FACTOR = 3.0  # upper screening bound: three times the largest use
OUTPUT_RANGE = (0.5, 1.5)  # screening band around the model's recipes


class Kind(StrEnum):
    OUTPUT = "output"
    PURCHASE = "purchase"
    TOTAL = "total"
    GENERATED = "generated"
    SHARE = "share"


class Protocol(StrEnum):
    METER = "meter"
    INVOICE = "invoice"
    WEIGHBRIDGE = "weighbridge"
    LABORATORY = "laboratory"
    CALCULATION = "calculation"


QUALITIES = ("measured", "calculated", "estimated")


@dataclass(frozen=True)
class Datum:
    """One activity datum a plant reports for its year.

    ``low_per_fu`` and ``high_per_fu`` bound the amount per functional unit of
    product, in ``unit``; they are None for a share.
    """

    key: str
    sheet: str
    kind: Kind
    commodity: str
    unit: str
    required: bool
    protocol: Protocol
    label: str
    label_zh: str
    explanation: str
    explanation_zh: str
    low_per_fu: float | None = None
    high_per_fu: float | None = None
    option: str = ""

    def text(self, lang: Language) -> str:
        return self.label_zh if lang == "zh" and self.label_zh else self.label

    def explain(self, lang: Language) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation


@dataclass(frozen=True)
class Layout:
    """The template of one product grade and kind of plant."""

    spec: ModelFile
    network: Network
    data: tuple[Datum, ...]
    regions: tuple[str, ...]

    @property
    def product(self) -> str:
        return self.network.product

    @property
    def grade(self) -> str:
        return self.network.grade

    @property
    def plant_type(self) -> str:
        return self.network.plant_type or ""

    @property
    def sheets(self) -> list[str]:
        """Data sheets in order: the stages, the site totals, the measures."""
        order = [*self.network.stages, SITE_SHEET, OPTIONS_SHEET]
        used = {d.sheet for d in self.data}
        return [s for s in order if s in used]

    def on_sheet(self, sheet: str) -> list[Datum]:
        return [d for d in self.data if d.sheet == sheet]

    def datum(self, key: str) -> Datum:
        return next(d for d in self.data if d.key == key)

    def product_key(self) -> str:
        return next(
            d.key
            for d in self.data
            if d.kind is Kind.OUTPUT and d.commodity == self.network.product_commodity
        )

    def sheet_title(self, sheet: str, lang: Language) -> str:
        if sheet == SITE_SHEET:
            return term("site.title", lang)
        if sheet == OPTIONS_SHEET:
            return term("options.title", lang)
        return term("stage.title", lang, stage=self.stage_label(sheet, lang))

    def stage_label(self, stage: str, lang: Language) -> str:
        if lang == "zh" and self.spec.stages_zh.get(stage):
            return self.spec.stages_zh[stage]
        return self.spec.stages[stage]

    def product_label(self, lang: Language) -> str:
        return (
            self.spec.label_zh
            if lang == "zh" and self.spec.label_zh
            else self.spec.label
        )

    def functional_unit(self, lang: Language) -> str:
        return self.network.functional_unit


def commodity_label(spec: ModelFile, commodity: str, lang: Language) -> str:
    found = spec.commodities[commodity]
    if lang == "zh" and found.label_zh:
        return found.label_zh
    return found.label or commodity


def process_label(spec: ModelFile, process: str, lang: Language) -> str:
    found = spec.processes[process]
    if lang == "zh" and found.label_zh:
        return found.label_zh
    return found.label or process


def load_layout(
    root: Path,
    product: str,
    grade: str | None = None,
    plant_type: str | None = None,
    region: str | None = None,
    where=str,
) -> Layout:
    """The template layout of a product grade and kind of plant.

    The region (by default the first of ``data/regions.csv``) only resolves the
    network; the data a plant reports do not depend on it.
    """
    regions = tuple(
        pd.read_csv(root / "data" / "regions.csv", dtype=str)["region"].tolist()
    )
    setting = Setting(region or regions[0], plant_type=plant_type)
    network = load_network(root, product, setting, grade, where)
    spec = load_model_file(root / "models" / f"{product}.yaml")
    data = (
        _stage_data(spec, network)
        + _site_totals(spec, network)
        + _generated_on_site(spec, network)
        + _option_shares(spec, network)
    )
    logger.debug("Template | %s %s | %d data", product, network.grade, len(data))
    return Layout(spec, network, tuple(data), regions)


def _producers(network: Network, baseline: pd.Series) -> dict[str, list[str]]:
    """The baseline processes that make each commodity as their first output."""
    found: dict[str, list[str]] = {}
    for name, p in network.processes.items():
        if p.baseline and not p.is_purchase and baseline[name] > 0:
            if p.reference_output is not None:
                found.setdefault(p.reference_output, []).append(name)
    return found


def made_per_fu(network: Network, baseline: pd.Series, commodity: str) -> float:
    """How much of ``commodity`` the reference plant makes per functional unit."""
    return sum(
        baseline[name] * p.outputs.get(commodity, 0.0)
        for name, p in network.processes.items()
        if not p.is_purchase
    )


def process_emission_per_output(
    network: Network, baseline: pd.Series, commodity: str, stage: str
) -> float:
    """kg CO2e of process emissions per unit of ``commodity`` made in ``stage``, as
    the reference plant's processes of that stage emit them."""
    made = emitted = 0.0
    for name, p in network.processes.items():
        if p.is_purchase or p.stage != stage or p.reference_output != commodity:
            continue
        made += baseline[name] * p.outputs[commodity]
        emitted += baseline[name] * p.emission_kg
    return emitted / made if made > 0 else 0.0


def _stage_data(spec: ModelFile, network: Network) -> list[Datum]:
    baseline = network.baseline_activity()
    producers = _producers(network, baseline)
    data = []
    for stage in network.stages:
        data += _outputs(spec, network, baseline, producers, stage)
        data += _purchases(spec, network, baseline, producers, stage)
    return data


def _outputs(
    spec: ModelFile,
    network: Network,
    baseline: pd.Series,
    producers: dict[str, str],
    stage: str,
) -> list[Datum]:
    data = []
    for commodity, names in producers.items():
        if network.processes[names[0]].stage != stage:
            continue
        emits = process_emission_per_output(network, baseline, commodity, stage) > 0
        is_product = commodity == network.product_commodity
        leaves = any(
            other.stage != stage and commodity in other.inputs
            for other in network.processes.values()
        )
        if not (is_product or leaves):
            continue
        label = commodity_label(spec, commodity, "en")
        label_zh = commodity_label(spec, commodity, "zh")
        fu = network.functional_unit
        if is_product:
            why, why_zh = (
                term("explain.output.product", lang, fu=fu) for lang in ("en", "zh")
            )
        elif emits:
            names = ", ".join(
                {factor: 1 for n in names for factor in spec.processes[n].emissions}
            )
            why, why_zh = (
                term("explain.output.process", lang, factors=names)
                for lang in ("en", "zh")
            )
        else:
            why, why_zh = (
                term("explain.output.intermediate", lang) for lang in ("en", "zh")
            )
        per_fu = _recipe_range(network, baseline, producers, commodity)
        data.append(
            Datum(
                key=f"{stage}.output.{commodity}",
                sheet=stage,
                kind=Kind.OUTPUT,
                commodity=commodity,
                unit=network.commodity_units[commodity],
                required=is_product or emits,
                protocol=Protocol.WEIGHBRIDGE,
                label=term("datum.output", "en", commodity=label),
                label_zh=term("datum.output", "zh", commodity=label_zh),
                explanation=why,
                explanation_zh=why_zh,
                low_per_fu=per_fu[0],
                high_per_fu=per_fu[1],
            )
        )
    return data


def _recipe_range(
    network: Network,
    baseline: pd.Series,
    producers: dict[str, list[str]],
    commodity: str,
) -> tuple[float, float]:
    """Screening band of an output per functional unit."""
    if commodity == network.product_commodity:
        amount = network.functional_unit_amount
        return amount, amount  # the product is the denominator: not screened
    # What each recipe of a consumer (baseline or option) would call for if it made
    # all of the consumer's output at the reference plant.
    amounts = [made_per_fu(network, baseline, commodity)]
    for process in network.processes.values():
        use = process.inputs.get(commodity, 0.0)
        reference = process.reference_output
        if use and reference in producers:
            output = made_per_fu(network, baseline, reference)
            amounts.append(use * output / process.outputs[reference])
    amounts = [a for a in amounts if a > 0]
    return OUTPUT_RANGE[0] * min(amounts), OUTPUT_RANGE[1] * max(amounts)


def _purchases(
    spec: ModelFile,
    network: Network,
    baseline: pd.Series,
    producers: dict[str, str],
    stage: str,
) -> list[Datum]:
    data = []
    for commodity in network.commodities:
        bought = spec.commodities[commodity].purchased
        if bought is None:
            continue
        users = [
            (name, p)
            for name, p in network.processes.items()
            if p.stage == stage and p.inputs.get(commodity, 0.0) > 0
        ]
        if not users:
            continue
        largest = max(
            _use_per_fu(network, baseline, producers, name, commodity)
            for name, _ in users
        )
        if bought.fuel is not None:
            kind, protocol = "fuel", Protocol.LABORATORY
        elif bought.grid:
            kind, protocol = "grid", Protocol.METER
        elif bought.material == "none":
            kind, protocol = "none", Protocol.WEIGHBRIDGE
        else:
            kind, protocol = "material", Protocol.INVOICE
        fields = {"dataset": network.setting.fuel_dataset}
        data.append(
            Datum(
                key=f"{stage}.purchase.{commodity}",
                sheet=stage,
                kind=Kind.PURCHASE,
                commodity=commodity,
                unit=network.commodity_units[commodity],
                required=kind != "none"
                and any(baseline[name] > 0 for name, _ in users),
                protocol=protocol,
                label=term(
                    "datum.purchase",
                    "en",
                    commodity=commodity_label(spec, commodity, "en"),
                ),
                label_zh=term(
                    "datum.purchase",
                    "zh",
                    commodity=commodity_label(spec, commodity, "zh"),
                ),
                explanation=term(f"explain.purchase.{kind}", "en", **fields),
                explanation_zh=term(f"explain.purchase.{kind}", "zh", **fields),
                low_per_fu=0.0,
                high_per_fu=PURCHASE_RANGE_FACTOR * largest if largest > 0 else None,
            )
        )
    return data


def _use_per_fu(
    network: Network,
    baseline: pd.Series,
    producers: dict[str, list[str]],
    name: str,
    commodity: str,
) -> float:
    """What process ``name`` would use per functional unit if it made all of its
    output at the reference plant."""
    process = network.processes[name]
    reference = process.reference_output
    if reference is None or reference not in producers:
        return process.inputs[commodity] * baseline.get(name, 0.0)
    made = made_per_fu(network, baseline, reference)
    return process.inputs[commodity] * made / process.outputs[reference]


def _site_totals(spec: ModelFile, network: Network) -> list[Datum]:
    data = []
    for commodity in network.commodities:
        if spec.commodities[commodity].purchased is None:
            continue
        stages = {
            p.stage
            for p in network.processes.values()
            if p.inputs.get(commodity, 0.0) > 0 and not p.is_purchase
        }
        if len(stages) < 2:
            continue
        grid = spec.commodities[commodity].purchased.grid
        protocol = Protocol.METER if grid else Protocol.INVOICE
        data.append(_site_datum(spec, network, Kind.TOTAL, commodity, protocol))
    return data


def _site_datum(
    spec: ModelFile, network: Network, kind: Kind, commodity: str, protocol: Protocol
) -> Datum:
    """A site-wide amount of a purchased commodity (its total, or what is made)."""
    names = {lang: commodity_label(spec, commodity, lang) for lang in ("en", "zh")}
    return Datum(
        key=f"{SITE_SHEET}.{kind.value}.{commodity}",
        sheet=SITE_SHEET,
        kind=kind,
        commodity=commodity,
        unit=network.commodity_units[commodity],
        required=False,
        protocol=protocol,
        label=term(f"datum.{kind.value}", "en", commodity=names["en"]),
        label_zh=term(f"datum.{kind.value}", "zh", commodity=names["zh"]),
        explanation=term(f"explain.{kind.value}", "en", commodity=names["en"]),
        explanation_zh=term(f"explain.{kind.value}", "zh", commodity=names["zh"]),
    )


def _generated_on_site(spec: ModelFile, network: Network) -> list[Datum]:
    data = []
    for commodity in network.commodities:
        if spec.commodities[commodity].purchased is None:
            continue
        makers = [
            p
            for p in network.processes.values()
            if not p.is_purchase and p.outputs.get(commodity, 0.0) > 0
        ]
        if not makers:
            continue
        data.append(
            _site_datum(spec, network, Kind.GENERATED, commodity, Protocol.METER)
        )
    return data


def _option_shares(spec: ModelFile, network: Network) -> list[Datum]:
    """A share per option that makes something this grade's plant makes or buys
    (a P·S·A recipe has no place in a P·O 42.5 template)."""
    baseline = network.baseline_activity()
    data = []
    for name in network.options:
        process = network.processes[name]
        commodity = process.reference_output
        if commodity is None:
            continue
        bought = baseline.get(f"{PURCHASE_PREFIX}{commodity}", 0.0)
        if made_per_fu(network, baseline, commodity) <= 0 and bought <= 0:
            continue
        label, label_zh = (
            commodity_label(spec, commodity, lang) for lang in ("en", "zh")
        )
        data.append(
            Datum(
                key=f"{OPTIONS_SHEET}.share.{name}",
                sheet=OPTIONS_SHEET,
                kind=Kind.SHARE,
                commodity=commodity,
                unit="dimensionless",
                required=False,
                protocol=Protocol.CALCULATION,
                label=term("datum.share", "en", option=process_label(spec, name, "en")),
                label_zh=term(
                    "datum.share", "zh", option=process_label(spec, name, "zh")
                ),
                explanation=term("explain.share", "en", commodity=label),
                explanation_zh=term("explain.share", "zh", commodity=label_zh),
                option=name,
            )
        )
    return data


def purchase_process(commodity: str) -> str:
    return f"{PURCHASE_PREFIX}{commodity}"
