"""Answer labels: the built-in Nordic agree scale, and the normalisation every label lookup uses."""
from __future__ import annotations

import re
import unicodedata

# The five-point agree scale as Nordic survey tools write it (DOMAIN.md), coded 1..5.
AGREE_SCALE: dict[str, float] = {
    # en
    "Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3, "Neither": 3,
    "Agree": 4, "Strongly agree": 5,
    # sv
    "Instämmer inte alls": 1, "Instämmer inte": 2, "Varken eller": 3, "Instämmer": 4, "Instämmer helt": 5,
    # da
    "Helt uenig": 1, "Uenig": 2, "Hverken enig eller uenig": 3, "Enig": 4, "Helt enig": 5,
    # nb (Helt uenig / Uenig / Enig / Helt enig are spelt as in Danish)
    "Verken enig eller uenig": 3,
}

DONT_KNOW_LABELS: tuple[str, ...] = (
    "Don't know", "Do not know", "Vet ej", "Vet inte", "Ved ikke", "Vet ikke", "N/A", "Not applicable",
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u00b4`"), "'")


def normalise_label(text: str) -> str:
    """Case, accents-composition, dash, apostrophe and white-space differences do not make a new label."""
    text = unicodedata.normalize("NFC", str(text)).translate(_DASHES).translate(_QUOTES)
    return " ".join(text.split()).casefold()


# "10 - Mycket troligt", "0 = Inte alls troligt", "5: Instämmer helt", "1) Helt uenig"
_LABELLED_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(?:[-=:.)]\s*|\s+)\D")


def leading_number(text: str) -> str | None:
    """The number that opens a labelled endpoint such as "10 - Mycket troligt", else None."""
    m = _LABELLED_NUMBER.match(normalise_label(text))
    return m.group(1) if m else None
