"""Names of shipped scenarios in the session's language.

A scenario's ``name`` is English prose written by its author; in Chinese the app
names it by its region and product (their ``label_zh``) and, for the files of a
policy folder, by the instrument the file adds.
"""

from __future__ import annotations

from mitigation.app import loaders
from mitigation.app.i18n import CATALOGUE, named
from mitigation.app.state import language, t
from mitigation.inputs.scenario import Scenario


def plant_name(scenario: Scenario) -> str:
    """``Guangdong cement line, ...`` in English; ``广东 · 水泥`` in Chinese."""
    if language() != "zh":
        return scenario.name
    model = loaders.products().get(scenario.product)
    region = loaders.factors().regions.get(scenario.region)
    product = named(model.label, model.label_zh, "zh") if model else scenario.product
    place = named(region.label, region.label_zh, "zh") if region else scenario.region
    return f"{place} · {product}"


def file_name(scenario: Scenario, stem: str) -> str:
    """A policy-folder file: its own name in English, the instrument in Chinese."""
    if language() != "zh":
        return scenario.name
    key = f"file.{stem}"
    return t(key) if key in CATALOGUE else plant_name(scenario)
