"""Template filters for the portal's pages."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

# U+202F NARROW NO-BREAK SPACE: the French thousands separator (and before the € sign, a
# plain no-break space so that the amount never wraps away from its unit).
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


@register.filter
def thousands(value) -> str:
    """Group a whole number's digits by thousands with narrow no-break spaces: 12500 → "12 500".

    Empty values give an empty string; anything that is not a number is returned unchanged.
    """
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    sign = "-" if number < 0 else ""
    return f"{sign}{abs(number):,}".replace(",", NARROW_NBSP)


@register.filter
def euros(value) -> str:
    """Format a whole number of euros the French way: 6000000 → "6 000 000 €"."""
    grouped = thousands(value)
    if grouped == "" or grouped is value:
        return grouped
    return f"{grouped}{NBSP}€"


@register.filter
def percent(value) -> str:
    """A share as a French percentage: Decimal("0.45") → "45 %" (narrow no-break space)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return value
    text = f"{number.normalize():f}".replace(".", ",")
    return f"{text}{NARROW_NBSP}%"
