"""Plants drawn from archetype classes with a seed (``plants.generate`` of a fleet).

A class's ``share`` is its share of the province's output (the published capacity
mixes are shares of capacity or output, not of plant numbers). Plant ``i``'s class
is drawn with probability proportional to ``share / mean output``, which makes the
expected output share of each class equal to its ``share``; its output is then
uniform between the class's two amounts and its commissioning year uniform between
the class's two vintages. The same seed and count give the same plants.
"""

from __future__ import annotations

import numpy as np

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.fleet import Generate, PlantRow
from mitigation.units import convert, read_quantity


def generate_plants(spec: Generate, where: str) -> list[PlantRow]:
    """The plants of ``spec``, named ``<name_prefix>-0001`` onwards."""
    ranges, problems = [], []
    for index, plant_class in enumerate(spec.classes):
        here = f"{where}, field 'plants.generate.classes.{index}.production'"
        try:
            ranges.append(_output_range(plant_class.production, here))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    means = np.array([(low + high) / 2 for low, high, _ in ranges])
    shares = np.array([c.share for c in spec.classes])
    chance = shares / means
    chance /= chance.sum()
    rng = np.random.default_rng(spec.seed)
    plants = []
    for number in range(1, spec.count + 1):
        drawn = int(rng.choice(len(spec.classes), p=chance))
        plant_class = spec.classes[drawn]
        low, high, unit = ranges[drawn]
        output = low + (high - low) * rng.random()
        vintage = None
        if plant_class.vintage is not None:
            first, last = plant_class.vintage
            vintage = int(rng.integers(first, last + 1))
        plants.append(
            PlantRow(
                name=f"{spec.name_prefix}-{number:04d}",
                product=spec.product,
                grade=plant_class.grade,
                plant_type=plant_class.plant_type,
                production=f"{output:.6g} {unit}",
                vintage=vintage,
            )
        )
    return plants


def _output_range(amounts: tuple[str, str], where: str) -> tuple[float, float, str]:
    """Low and high output in the unit the low amount is written in."""
    low_text, high_text = amounts
    example = 'write two amounts with their units, e.g. ["0.4 Mt/yr", "0.8 Mt/yr"]'
    low = read_quantity(low_text, where, example)
    unit = low_text.strip().split(maxsplit=1)[-1] if " " in low_text.strip() else ""
    high = convert(read_quantity(high_text, where, example), unit, where)
    if not 0 < low.magnitude <= high:
        raise InputError(
            [
                Problem(
                    where,
                    f"'{low_text}' to '{high_text}' is no range of output",
                    example,
                )
            ]
        )
    return float(low.magnitude), float(high), unit
