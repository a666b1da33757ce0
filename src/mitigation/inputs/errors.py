"""Turning pydantic and YAML failures into messages a user can act on."""

from __future__ import annotations

from pathlib import Path

import pydantic
import yaml

from mitigation.exceptions import InputError, Problem, input_error

_QUOTE_HINT = "YAML reads unquoted yes/no/on/off as true/false and digits as numbers"


def problems_from_validation(
    err: pydantic.ValidationError, where: str
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located as ``where`` plus the field."""
    problems = []
    for detail in err.errors():
        field = ".".join(str(part) for part in detail["loc"])
        location = f"{where}, field '{field}'" if field else where
        what = detail["msg"]
        fix = ""
        given = detail.get("input")
        if detail["type"] == "string_type" and isinstance(given, bool | int | float):
            what = f"expected text but found {given!r}"
            fix = f"{_QUOTE_HINT}: put the value in quotes"
        elif detail["type"] == "extra_forbidden":
            what = "is not a field this file can have"
            fix = "check the spelling against the format description"
        elif detail["type"] == "missing":
            what = "is required but missing"
            fix = "add it"
        problems.append(Problem(location, what, fix))
    return problems


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping, reporting syntax errors with line and column."""
    if not path.is_file():
        raise input_error(str(path), "file not found", "check the path")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = (
            f"{path}, line {mark.line + 1}, column {mark.column + 1}"
            if mark
            else str(path)
        )
        problem = getattr(err, "problem", None) or str(err)
        raise input_error(
            where, f"malformed YAML: {problem}", "fix the syntax"
        ) from err
    except UnicodeDecodeError as err:
        raise input_error(
            str(path), "not UTF-8 text", "save the file as UTF-8"
        ) from err
    if not isinstance(content, dict):
        raise input_error(str(path), "expected a mapping of fields at the top level")
    return content


def validate(model: type[pydantic.BaseModel], content: object, where: str):
    """Validate ``content`` against ``model``; raise one InputError for all problems."""
    try:
        return model.model_validate(content)
    except pydantic.ValidationError as err:
        raise InputError(problems_from_validation(err, where)) from err
