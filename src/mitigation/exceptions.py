"""Errors the package raises, kept apart by who has to act on them.

``InputError`` means a file the user controls is wrong and says where and how to fix
it; ``TargetUnreachableError`` and ``SolverError`` report an optimisation that has no
answer; ``UnexpectedError`` marks a broken internal invariant, which is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BUG_REPORT_HINT = "This is a bug in mitigation; please report it with the input files."


class MitigationError(Exception):
    """Base class of every error the package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, what to do."""

    where: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text} ({self.fix})" if self.fix else text


class InputError(MitigationError):
    """A data, model or scenario file cannot be used as it is.

    Collects every problem found in one pass, so that the user can fix them all at
    once.
    """

    def __init__(self, problems: Iterable[Problem], heading: str = "") -> None:
        self.problems = list(problems)
        self.heading = heading  # in the user's language, where it is not English
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1 and not self.heading:
            return str(self.problems[0])
        lines = [self.heading or f"{len(self.problems)} problems in the input:"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


def input_error(where: str, what: str, fix: str = "") -> InputError:
    """Build an :class:`InputError` holding a single problem."""
    return InputError([Problem(where, what, fix)])


class TargetUnreachableError(MitigationError):
    """No combination of the available options meets an intensity target.

    Parameters
    ----------
    shortfalls
        One entry per period whose target cannot be met: the period's first year, the
        target and the lowest intensity reachable with every option, both per
        functional unit in ``unit``.
    """

    def __init__(
        self,
        shortfalls: list[tuple[int, float, float]],
        unit: str,
        where: str = "",
        field: str = "targets",
    ) -> None:
        self.shortfalls = shortfalls
        self.unit = unit
        self.where = where
        heading = "no combination of options meets the intensity target:"
        lines = [
            f"{where}, field '{field}': {heading}" if where else heading.capitalize()
        ]
        for year, target, lowest in shortfalls:
            lines.append(
                f"  - {year}: target {target:,.1f} {unit}, lowest reachable with every "
                f"option {lowest:,.1f} {unit}"
            )
        lines.append(
            "Relax these targets in the scenario, or add options to the product's "
            "options table."
        )
        super().__init__("\n".join(lines))

    def located(self, where: str) -> TargetUnreachableError:
        """The same error, naming the scenario file whose targets cannot be met."""
        return TargetUnreachableError(self.shortfalls, self.unit, where)


class SolverError(MitigationError):
    """The solver ended without an optimal solution for a reason other than targets."""


class UnexpectedError(AssertionError):
    """An internal invariant failed: a bug, not a problem with the input."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}. {BUG_REPORT_HINT}")
