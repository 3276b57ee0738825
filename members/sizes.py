"""Company size category, per décret n° 2008-1354 (EU recommendation 2003/361).

Measured at group level on the last closed year. Plain function, no Django imports.

| category | headcount | and                                                  |
| micro    | < 10      | turnover or balance sheet ≤ 2 M€                     |
| PME      | < 250     | turnover ≤ 50 M€ or balance sheet ≤ 43 M€             |
| ETI      | < 5 000   | turnover ≤ 1 500 M€ or balance sheet ≤ 2 000 M€       |
| GE       | the rest                                                         |
"""

MICRO = "micro"
PME = "pme"
ETI = "eti"
GE = "ge"

_THRESHOLDS = (
    # category, headcount strictly below, turnover at most, balance sheet at most (euros)
    (MICRO, 10, 2_000_000, 2_000_000),
    (PME, 250, 50_000_000, 43_000_000),
    (ETI, 5_000, 1_500_000_000, 2_000_000_000),
)


def size_category(
    headcount: int | None, turnover_eur: int | None, balance_sheet_eur: int | None
) -> str | None:
    """The category, or None when the headcount or both financial figures are unknown.

    The financial test is met when either known figure is within its ceiling.
    """
    if headcount is None or (turnover_eur is None and balance_sheet_eur is None):
        return None
    for category, max_headcount, max_turnover, max_balance in _THRESHOLDS:
        if headcount >= max_headcount:
            continue
        turnover_ok = turnover_eur is not None and turnover_eur <= max_turnover
        balance_ok = balance_sheet_eur is not None and balance_sheet_eur <= max_balance
        if turnover_ok or balance_ok:
            return category
    return GE


def is_sme(category: str | None) -> bool:
    """Micro-enterprises are PME too."""
    return category in {MICRO, PME}
