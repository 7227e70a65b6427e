"""Personal data out of open comments, before anything is stored or shown.

Removed: e-mail addresses; Nordic and international phone numbers; Swedish personnummer /
samordningsnummer, Danish CPR and Norwegian fødselsnummer / D-nummer; and the names the consultant
lists in `scrub_names`. Each is replaced by a bracketed placeholder in the engagement language
("[e-post]", "[telefon]", "[personnummer]", "[namn]" in Swedish).

The number rules are written to keep ordinary numbers: prices ("1 250 kr"), years ("2026"), year
ranges, mileages ("12 000 mil"), times and dates ("2026-03-15", "15.03.2026") are left byte-identical.
An identity number must carry a real calendar date, so a random order number is kept; where a number
could be either a phone number or an identity number, it is removed either way.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from mirrorgap.config.texts import section
from mirrorgap.read.recode import CleanSide

KINDS = ("email", "id_number", "phone", "name")

# Characters that may separate digit groups in a phone number: space, no-break space, hyphen,
# en dash, non-breaking hyphen, slash.
_DASH = "\\-\u2010\u2011\u2013"
_SEP = rf"(?:[ \u00a0]?[{_DASH}/][ \u00a0]?|[ \u00a0])"
# A number must not start inside a word, a longer number or a decimal ("3,5"), nor right after a
# digit plus separator ("2026-03-15" must not yield "03-15…").
_START = rf"(?<![\w+@])(?<!\d[{_DASH}./:,])(?<!\d[ \u00a0])"
_END = rf"(?!\w)(?![{_DASH}./:,]\d)(?![ \u00a0]\d)"

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[\(\[]at[\)\]]\s?)[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])",
    re.IGNORECASE)

# Identity numbers: 12 digits (YYYYMMDD-XXXX), 11 (Norwegian DDMMYYXXXXX), 10 (YYMMDD-XXXX,
# YYMMDD+XXXX, DDMMYY-XXXX, or without separator). Validated as dates in `_is_id_number`.
_ID = re.compile(
    _START + r"(?:"
    rf"(?P<d12>\d{{8}})[{_DASH} ]?(?P<t12>\d{{4}})"
    rf"|(?P<d11>\d{{6}})[ ]?(?P<t11>\d{{5}})"
    rf"|(?P<d10>\d{{6}})(?P<sep10>[{_DASH}+ ]?)(?P<t10>\d{{4}})"
    r")" + _END)

# Dates are matched first in the phone pass and kept as they are.
_DATE = (rf"\d{{4}}[{_DASH}./]\d{{1,2}}[{_DASH}./]\d{{1,2}}"
         rf"|\d{{1,2}}[{_DASH}./]\d{{1,2}}[{_DASH}./]\d{{2,4}}")
_PHONE = re.compile(
    _START + r"(?:"
    rf"(?P<date>{_DATE})"
    # international: +46 70 123 45 67, +46 (0)70-123 45 67, 0045 12 34 56 78, +4791234567
    rf"|(?P<intl>(?:\+|00)\d{{1,3}}{_SEP}?(?:\(0\){_SEP}?)?\d{{1,4}}(?:{_SEP}?\d{{1,4}}){{1,5}})"
    # Swedish national, with trunk 0: 070-123 45 67, 08-123 456 78, 031-12 34 56, 0701234567
    rf"|(?P<se>0\d{{1,3}}(?:{_SEP}?\d{{2,4}}){{1,4}})"
    # Danish / Norwegian without country code: 12 34 56 78, 912 34 567, 12345678
    r"|(?P<dk>\d{2} \d{2} \d{2} \d{2})"
    r"|(?P<no>[2-9]\d{2} \d{2} \d{3})"
    r"|(?P<d8>\d{8})"
    r")" + _END)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _swedish_date(yymmdd: str, *, four_digit_year: bool = False) -> bool:
    """YYMMDD (or YYYYMMDD) as in a personnummer; samordningsnummer add 60 to the day."""
    if four_digit_year:
        year, rest = int(yymmdd[:4]), yymmdd[4:]
    else:
        year, rest = 2000 + int(yymmdd[:2]), yymmdd[2:]  # 2000 is a leap year: 29 Feb stays valid
    month, day = int(rest[:2]), int(rest[2:4])
    if day > 60:
        day -= 60
    return _valid_date(year, month, day)


def _nordic_ddmmyy(ddmmyy: str) -> bool:
    """DDMMYY as in a Danish CPR or Norwegian fødselsnummer (D-nummer: day + 40; H-nummer: month + 40)."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), 2000 + int(ddmmyy[4:6])
    if day > 40:
        day -= 40
    if month > 40:
        month -= 40
    return _valid_date(year, month, day)


def _is_id_number(m: re.Match) -> bool:
    if m["d12"]:
        return m["d12"][:2] in ("18", "19", "20") and _swedish_date(m["d12"], four_digit_year=True)
    if m["d11"]:
        return _nordic_ddmmyy(m["d11"])
    head = m["d10"]
    if not m["sep10"] and head.startswith("07"):
        return False  # 07x xxxxxxx without a dash is a Swedish mobile number: the phone pass takes it
    return _swedish_date(head) or _nordic_ddmmyy(head)


def _is_date8(digits: str) -> bool:
    """8 digits that read as a date, YYYYMMDD or DDMMYYYY (20260315, 15032026)."""
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if 1900 <= int(year) <= 2099 and _valid_date(int(year), int(month), int(day)):
            return True
    return False


def _is_phone(m: re.Match) -> bool:
    if m["date"]:
        return False
    digits = _digits(m.group(0))
    if m["intl"]:
        return 8 <= len(digits) <= 15
    if m["se"]:
        if len(digits) == 8 and digits == m["se"] and _is_date8(digits):
            return False  # 05032026 is a date, 08123456 a Stockholm number
        return 8 <= len(digits) <= 10
    if m["d8"]:
        return not _is_date8(digits)  # 8 bare digits: a Danish/Norwegian number unless a date
    return True  # dk, no


def placeholders(language: str) -> dict[str, str]:
    """The bracketed stand-ins in one language, by kind (email, id_number, phone, name)."""
    words = section(language, "comments")
    return {kind: words[f"placeholder_{kind}"] for kind in KINDS}


@lru_cache(maxsize=32)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """Whole-word, case-insensitive names, with possessive endings (Mikaels, Jonas', Sara's)."""
    cleaned = {unicodedata.normalize("NFC", " ".join(str(n).split())) for n in names}
    cleaned = sorted((n for n in cleaned if n), key=len, reverse=True)  # "Anna Svensson" before "Anna"
    if not cleaned:
        return None
    alternatives = "|".join(_one_name(n) for n in cleaned)
    return re.compile(rf"(?<![\w@])(?:{alternatives})(?!\w)", re.IGNORECASE)


def _one_name(name: str) -> str:
    """One name as a pattern: its words with any whitespace between, and the possessive endings
    (Mikaels, Sara's, Sara:s; a bare apostrophe only after s, x, z: Jonas', Max')."""
    body = r"\s+".join(re.escape(part) for part in name.split(" "))
    endings = "s|['’]s|:s" + ("|['’]" if name[-1].lower() in "sxz" else "")
    return f"{body}(?:{endings})?"


def _scrub(text: str, names: Sequence[str], words: dict[str, str]) -> str:
    """One text with every kind of personal data replaced; the order matters (e-mails hold names,
    12-digit identity numbers would otherwise be read as phone numbers)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # "Björn" typed with a combining diaeresis
    text = _EMAIL.sub(words["email"], text)
    text = _ID.sub(lambda m: words["id_number"] if _is_id_number(m) else m.group(0), text)
    text = _PHONE.sub(lambda m: words["phone"] if _is_phone(m) else m.group(0), text)
    pattern = _name_pattern(tuple(names))
    if pattern is not None:
        text = pattern.sub(words["name"], text)
    return text


def scrub_text(text: str, *, names: Sequence[str] = (), language: str = "en") -> str:
    """`text` with e-mail addresses, phone numbers, personal identity numbers and the given names
    replaced by bracketed placeholders.

    names: names to remove (engagement.scrub_names): whole words, any case, possessives included.
    language: the placeholders' language (the engagement language: sv gives "[namn]", en "[name]").
    Everything else is returned byte-identical.
    """
    return _scrub(str(text), list(names), placeholders(language))


def _scrub_cell(value, names: Sequence[str], words: dict[str, str]):
    """One comment cell: blanks stay blank; a number (Excel turns a lone phone number into one)
    becomes text first so it is scrubbed like any comment."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _scrub(str(value), names, words)
    digits = _digits(text)
    if len(digits) >= 7 and not re.search(r"[^\W\d_]", text):
        # digits and separators only, long enough to be a phone or ID number whose leading zero
        # or grouping was lost on the way (0701234567 read as 701234567): remove it
        return words["phone"]
    return text


def scrub_comments(clean: CleanSide, comment_columns: Sequence[str], *, names: Sequence[str] = (),
                   language: str = "en") -> CleanSide:
    """A new CleanSide whose comment columns are scrubbed (the input is not changed).

    clean: one side after `load_side`. comment_columns: the side's `comment_columns` (columns not in
    the frame are an error: a misspelt column would leave raw comments in place). names: the
    engagement's `scrub_names`. language: the engagement language, for the placeholders.
    """
    missing = [c for c in comment_columns if c not in clean.frame.columns]
    if missing:
        raise KeyError(f"comment column(s) {missing} are not in the {clean.side} data; "
                       f"columns are {list(clean.frame.columns)}")
    words = placeholders(language)
    names = list(names)
    frame = clean.frame.copy(deep=False)  # copy-on-write: the columns replaced below are new, the rest shared
    for col in comment_columns:
        frame[col] = pd.Series(_scrub_column(frame[col], names, words), index=frame.index, dtype=object)
    return replace(clean, frame=frame)


def _scrub_column(cells: pd.Series, names: Sequence[str], words: dict[str, str]) -> np.ndarray:
    """`_scrub_cell` of every cell, as objects; a text column is scrubbed once per distinct comment
    (a million answers often hold a few thousand different texts)."""
    values = cells.to_numpy(dtype=object)
    if not pd.api.types.is_string_dtype(cells.dtype) or cells.dtype == object:
        return np.array([_scrub_cell(v, names, words) for v in values] + [None], dtype=object)[:-1]
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    done = np.array([_scrub_cell(v, names, words) for v in uniques] + [None], dtype=object)[:-1]
    out = values.copy()
    given = codes >= 0
    out[given] = done[codes[given]]
    return out


def scrub_side(clean: CleanSide, engagement) -> CleanSide:
    """`scrub_comments` with the side's comment columns, the scrub names and the language of `engagement`."""
    spec = engagement.side(clean.side)
    return scrub_comments(clean, spec.comment_columns, names=engagement.scrub_names,
                          language=engagement.language)
