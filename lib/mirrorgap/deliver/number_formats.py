"""Office number-format codes: how the deck's native charts and the workbook's cells write a figure.

PowerPoint and Excel read one syntax, so both deliverables take their codes from here. Text outside
charts and cells (titles, notes, table cells on slides) is written by `config.numbers.fmt_number`.
"""
from __future__ import annotations

from mirrorgap.config.numbers import MINUS

__all__ = ["ONE_DECIMAL", "PERCENT_OF_ONE", "PERCENT_OF_ONE_DECIMAL", "P_VALUE", "SIGNED", "TEXT",
           "TWO_DECIMALS", "WHOLE", "percent_of_100", "zero_text"]

WHOLE = "0"                       # whole numbers: counts, POMP points on a chart
ONE_DECIMAL = "0.0"               # POMP scores and gaps in the workbook; the charts' embedded data
TWO_DECIMALS = "0.00"             # coefficients: Hedges' g, r, R²
P_VALUE = "0.000"                 # p and q values
PERCENT_OF_ONE = "0%"             # a 0–1 share as a whole percentage
PERCENT_OF_ONE_DECIMAL = "0.0%"   # a 0–1 share with one decimal
SIGNED = f'+0;"{MINUS}"0;0'       # signed whole numbers with a true minus: +19, −7, 0
TEXT = "@"                        # a cell kept as text


def percent_of_100(texts: dict) -> str:
    """Whole percentages of a 0–100 value as the language writes them: "36 %" (sv/da/nb), "36%" (en)."""
    return '0" %"' if " %" in texts["chart"]["percent"] else '0"%"'


def zero_text(value: float) -> str | None:
    """The label text of a value that SIGNED would write as "−0" or "+0": "0"; None for any other value
    (its label keeps the code)."""
    return "0" if abs(value) < 0.5 else None
