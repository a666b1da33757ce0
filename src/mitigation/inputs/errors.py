"""Turning pydantic and YAML failures into messages a user can act on."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from pathlib import Path

import pydantic
import yaml

from mitigation.exceptions import InputError, Problem, input_error

QUOTE_HINT = (
    "YAML reads unquoted yes/no/on/off as true/false, digits as numbers and "
    "2025-01-01 as a date: put the value in quotes"
)
_YAML_SCALARS = (bool, int, float, datetime.date)


class FieldError(ValueError):
    """A validator's complaint with the fix to suggest.

    Raised inside pydantic validators; :func:`problems_from_validation` reads the
    ``fix`` back. ``field`` names the field when the validator checks the whole
    record (a row's value against its parameter) and pydantic would name none.
    """

    def __init__(self, what: str, fix: str = "", field: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.field = field


def not_a_yes_no(value: object) -> object:
    """Refuse a YAML yes/no word where a number or text is expected.

    Pydantic would read ``true`` as the number 1; an unquoted ``yes``, ``on`` or
    ``no`` in a YAML file is almost always a word meant as text.
    """
    if isinstance(value, bool):
        raise FieldError(
            f"YAML read an unquoted word as the yes/no value {value}",
            "write a number here; put text in quotes",
        )
    return value


def problems_from_validation(
    err: pydantic.ValidationError,
    where: str,
    fixes: Mapping[str, str] | None = None,
    hidden: tuple[str, ...] = (),
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located as ``where`` plus the field.

    ``fixes`` maps a field (its first name, or its dotted path) to what to do when
    the error itself suggests nothing. Parts of a location named in ``hidden`` are
    left out: they are names the file never shows (``targets.ceilings``).
    """
    problems = []
    for detail in err.errors():
        parts = [str(part) for part in detail["loc"] if part not in hidden]
        raised = (detail.get("ctx") or {}).get("error")
        if isinstance(raised, FieldError) and raised.field and not parts:
            parts = [raised.field]
        field = ".".join(parts)
        location = f"{where}, field '{field}'" if field else where
        what, fix, general = _describe(detail, raised)
        if fixes and (general or not fix):
            fix = fixes.get(field) or fixes.get(parts[0] if parts else "") or fix
        if not fix and detail["type"] == "missing":
            fix = "add it"
        problems.append(Problem(location, what, fix))
    return problems


def _describe(detail: dict, raised: object) -> tuple[str, str, bool]:
    """What is wrong, what to do, and whether a field's own fix would say it better.

    The fix is empty when the error says nothing about what to do.
    """
    kind = detail["type"]
    given = detail.get("input")
    ctx = detail.get("ctx") or {}
    if isinstance(raised, FieldError):
        return raised.what, raised.fix, False
    if kind == "missing":
        return "is required but missing", "", True
    if kind == "extra_forbidden":
        return (
            "is not a field this file can have",
            "check the spelling against the format description",
            False,
        )
    if kind.endswith("_type"):
        expected = _expected(kind)
        if isinstance(given, bool):
            found = f"YAML read an unquoted word as the yes/no value {given}"
            fix = QUOTE_HINT if kind == "string_type" else f"write {expected}"
            return f"expected {expected} but {found}", fix, kind != "string_type"
        if kind == "string_type" and isinstance(given, _YAML_SCALARS):
            return f"expected text but found {given}", QUOTE_HINT, False
        found = _shown(given)
        return f"expected {expected} but found {found}", f"write {expected}", True
    if kind in ("literal_error", "enum"):
        fix = f"use {ctx.get('expected', '')}".strip()
        return f"unknown value '{given}'", fix, False
    if kind in ("float_parsing", "int_parsing", "int_from_float"):
        return (
            f"'{given}' is not {_expected(kind)}",
            "write a plain number, without unit or thousands separator",
            True,
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        shown = "NaN" if isinstance(given, float) and math.isnan(given) else given
        return f"{shown} is out of range: {_lowercase(detail['msg'])}", "", True
    message = detail["msg"].removeprefix("Value error, ")
    return _lowercase(message), "", True


def _shown(given: object) -> str:
    if isinstance(given, str):
        return f"'{given}'"
    if given is None:
        return "nothing"
    if isinstance(given, dict | list):
        return f"a {type(given).__name__}"
    return str(given)


def _expected(kind: str) -> str:
    if kind.startswith("bool"):
        return "true or false"
    if kind.startswith("int"):
        return "a whole number"
    if kind.startswith("float"):
        return "a number"
    if kind.startswith("string"):
        return "text"
    if kind.startswith(("dict", "model", "dataclass")):
        return "a mapping of 'key: value' lines"
    if kind.startswith("list"):
        return "a list"
    return kind.removesuffix("_type")


def _lowercase(message: str) -> str:
    return message[:1].lower() + message[1:]


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, object] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key; SafeLoader reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {key!r} is given twice",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_YAML_FIXES = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("is given twice", "each key may appear once: keep one of them"),
    (
        "mapping values are not allowed",
        "put quotes around text that contains ': ', or check the indentation",
    ),
    (
        "expected <block end>",
        "check the indentation: keys of one mapping must line up under each other",
    ),
    (
        "could not find expected ':'",
        "each line of a mapping is 'key: value'; check the indentation and colons",
    ),
)


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping, reporting syntax errors with line and column."""
    if not path.is_file():
        raise input_error(str(path), "file not found", "check the path")
    try:  # _UniqueKeyLoader is a SafeLoader: no arbitrary objects
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = (
            f"{path}, line {mark.line + 1}, column {mark.column + 1}"
            if mark
            else str(path)
        )
        problem = getattr(err, "problem", None) or str(err)
        fix = next(
            (fix for clue, fix in _YAML_FIXES if clue in problem),
            "check the indentation (spaces only) and quote text that contains "
            "': ', ' #' or starts with a special character",
        )
        raise input_error(where, f"malformed YAML: {problem}", fix) from err
    except UnicodeDecodeError as err:
        raise input_error(
            str(path), "not UTF-8 text", "save the file as UTF-8"
        ) from err
    if not isinstance(content, dict):
        raise input_error(
            str(path),
            "expected a mapping of fields at the top level",
            "write one 'field: value' per line, as in the format description",
        )
    return content


def validate(
    model: type[pydantic.BaseModel],
    content: object,
    where: str,
    fixes: Mapping[str, str] | None = None,
    hidden: tuple[str, ...] = (),
):
    """Validate ``content`` against ``model``; raise one InputError for all problems."""
    try:
        return model.model_validate(content)
    except pydantic.ValidationError as err:
        raise InputError(problems_from_validation(err, where, fixes, hidden)) from err
