"""Capital recovery factor and discounting."""

import pytest

from mitigation.optimise.finance import (
    annuity_weight,
    capital_recovery_factor,
    discount_factor,
)


@pytest.mark.parametrize(
    ("rate", "years", "expected"),
    [
        (0.08, 20, 0.1018522088),  # r(1+r)^n / ((1+r)^n - 1)
        (0.05, 1, 1.05),
        (0.10, 10, 0.1627453949),
        (0.0, 20, 0.05),  # zero rate: straight line, 1/n
        (0.0, 1, 1.0),
    ],
)
def test_capital_recovery_factor(rate: float, years: int, expected: float) -> None:
    assert capital_recovery_factor(rate, years) == pytest.approx(expected, rel=1e-9)


def test_crf_is_continuous_at_zero_rate() -> None:
    assert capital_recovery_factor(1e-9, 15) == pytest.approx(1 / 15, rel=1e-6)


def test_annuities_repay_the_capital_exactly() -> None:
    """n annuities of CRF, each counted at the end of its year, are worth 1 today."""
    rate, years = 0.07, 12
    present = annuity_weight(rate, range(2030, 2030 + years), 2030)
    assert capital_recovery_factor(rate, years) * present == pytest.approx(
        1.0, rel=1e-12
    )


def test_discount_factor_counts_flows_at_the_end_of_their_year() -> None:
    assert discount_factor(0.1, 2025, 2025) == pytest.approx(1 / 1.1)
    assert discount_factor(0.1, 2027, 2025) == pytest.approx(1 / 1.1**3)


def test_lifetime_must_be_positive() -> None:
    with pytest.raises(ValueError, match="lifetime"):
        capital_recovery_factor(0.05, 0)
