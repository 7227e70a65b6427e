"""Themes in open comments, from a keyword codebook the consultant edits (`templates/codebook.yaml`).

A comment belongs to every theme one of whose keywords it contains (whole words, any case, `*` for
any letters inside a word). Per side the table counts how many commenters mention each theme, their
share of all who commented (with a Wilson interval), how many comments no theme caught, and gives
two example quotes — only from themes at least `analysis.min_n_comments` commenters mention, and
nothing at all for an employee side with fewer commenters than that.

A weighted side (a weight column or raking, `group_design.rows_design` of the wave) gives weighted
shares: Σw of the commenters mentioning the theme over Σw of all commenters, with the Wilson interval
taken on Kish's n_eff of the commenters' weights in place of their number. The counts stay counts of
people, and the comment minimum is decided on them.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
import zlib
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mirrorgap.analyse.group_design import rows_design
from mirrorgap.config.params import LANGUAGES, SIDES, Engagement, Language, Side, plain
from mirrorgap.config.paths import resolve_input
from mirrorgap.config.texts import section
from mirrorgap.errors import ParamsError
from mirrorgap.read.recode import CleanSide
from mirrorgap.read.scrub import scrub_text
from mirrorgap.stats.estimators import Proportion, wilson_ci
from mirrorgap.stats.small_groups import hidden_for, too_small
from mirrorgap.stats.survey import Design, kish_n_eff, weighted_share

UNCATEGORISED = "uncategorised"  # the row counting comments that no theme caught
THEME_COLUMNS = ["side", "theme", "label", "comments", "commenters", "share", "share_ci_low",
                 "share_ci_high", "quote_1", "quote_2", "suppressed"]
QUOTE_CHARS = 160  # a quote longer than this is cut at a word boundary, with "…"
JOIN = " / "  # between a respondent's answers to several comment questions


# ---------------------------------------------------------------------------------------------------
# the codebook

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Theme(_Strict):
    """One theme: its label per language, whose comments it is looked for in, its keywords per language."""

    label: dict[Language, str]
    sides: Annotated[list[Side], Field(min_length=1)] = ["customer", "employee"]
    keywords: dict[Language, list[str]]

    @field_validator("keywords")
    @classmethod
    def _keywords_have_letters(cls, keywords: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = [kw for words in keywords.values() for kw in words
               if not isinstance(kw, str) or not re.search(r"\w", kw.replace("*", ""))]
        if bad:
            raise ValueError(f"a keyword needs letters besides * (a lone * would match every comment): {bad}")
        return keywords


class Codebook(_Strict):
    """The themes, by id (lower case letters, digits, _)."""

    themes: Annotated[dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Theme], Field(min_length=1)]

    @model_validator(mode="after")
    def _reserved(self) -> "Codebook":
        if UNCATEGORISED in self.themes:
            raise ValueError(f"{UNCATEGORISED!r} is reserved for comments no theme catches; rename the theme")
        return self

    def for_side(self, side: str) -> dict[str, Theme]:
        return {tid: t for tid, t in self.themes.items() if side in t.sides}


def _describe(err: dict) -> str:
    """One validation problem as a consultant reads it, with a did-you-mean for misspelt keys."""
    loc = [p for p in err["loc"] if p != "[key]"]
    where = ".".join(str(p) for p in loc) or "(top level)"
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        model = Theme if len(loc) == 3 and loc[0] == "themes" else Codebook
        choices = list(model.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), choices, n=1, cutoff=0.6)
        hint = f" — did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(choices)})"
        return f"{where}: unknown key{hint}"
    if err["type"] == "literal_error" and isinstance(value, str):
        choices = SIDES if "sides" in loc else LANGUAGES
        what = "side" if "sides" in loc else "language"
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
        hint = f" — did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(choices)})"
        return f"{where}: unknown {what} {value!r}{hint}"
    if err["type"] == "string_pattern_mismatch" and len(loc) == 2:
        return f"{where}: a theme id is lower case letters, digits and _ (got {value!r})"
    if err["type"] == "missing":
        return f"{where}: required but missing"
    msg = err["msg"].removeprefix("Value error, ")
    shown = f" (got {value!r})" if not isinstance(value, (dict, list)) else ""
    return f"{where}: {msg}{shown}"




def parse_codebook(data: object, *, source: str = "<codebook>", language: str | None = None) -> Codebook:
    """Validate a parsed codebook mapping; raises ParamsError listing every problem.

    language: when given, every theme must have a label and keywords in it (the engagement language).
    """
    if not isinstance(data, dict):
        raise ParamsError(source, ["the codebook must hold a mapping with a `themes:` key"])
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(source, [_describe(e) for e in exc.errors()]) from None
    if language is not None:
        problems = [f"themes.{tid}: no {part} in the engagement language {language!r}"
                    for tid, theme in codebook.themes.items()
                    for part in ("label", "keywords")
                    if not getattr(theme, part).get(language)]
        if problems:
            raise ParamsError(source, problems)
    return codebook


def load_codebook(path: str | Path, *, language: str | None = None) -> Codebook:
    """Read and validate a codebook YAML (relative paths are from the project root).

    language: when given, every theme must have a label and keywords in that language.
    """
    path = resolve_input(path)
    if not path.exists():
        raise ParamsError(path, ["no such codebook; copy templates/codebook.yaml and point "
                                 "`codebook:` in the params at it"])
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise ParamsError(path, [f"not valid YAML ({exc}); keywords starting with * must be quoted: "
                                 '"*väntetid*"']) from None
    return parse_codebook(plain(data), source=str(path), language=language)


# ---------------------------------------------------------------------------------------------------
# matching

def keyword_pattern(keyword: str) -> str:
    """A keyword as a regular expression: whole words, `*` = any letters inside a word, one space =
    any whitespace. Case is left to the caller's flags."""
    words = unicodedata.normalize("NFC", keyword).split()
    parts = [r"\w*".join(re.escape(piece) for piece in word.split("*")) for word in words]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def theme_patterns(codebook: Codebook, *, language: str, side: str) -> dict[str, re.Pattern]:
    """Per theme looked for on `side`, one case-insensitive pattern of its keywords in `language`."""
    return {tid: re.compile("|".join(keyword_pattern(k) for k in theme.keywords[language]), re.IGNORECASE)
            for tid, theme in codebook.for_side(side).items() if theme.keywords.get(language)}


def match_themes(texts: pd.Series, codebook: Codebook, *, language: str, side: str) -> pd.DataFrame:
    """Which themes each comment mentions: a boolean table, one row per text (same index), one column
    per theme looked for on `side`. A comment can have several themes, or none."""
    codes, uniques = pd.factorize(texts.astype(str), use_na_sentinel=False)  # each distinct text once
    norm = [unicodedata.normalize("NFC", t) for t in uniques]
    return pd.DataFrame({tid: np.array([p.search(t) is not None for t in norm], dtype=bool)[codes]
                         for tid, p in theme_patterns(codebook, language=language, side=side).items()},
                        index=texts.index)


# ---------------------------------------------------------------------------------------------------
# comments, quotes

def _is_comment(value) -> bool:
    """A cell someone wrote words in: blanks, "-", "." and lone numbers do not count as commenting."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return re.search(r"[^\W\d_]", str(value)) is not None


def side_comments(clean: CleanSide, comment_columns, *, wave: str | None = None) -> pd.Series:
    """Per respondent who commented, their comment text (several comment columns joined with " / "),
    indexed like `clean.frame`. wave: only that wave's respondents (None: all)."""
    frame = clean.frame
    if wave is not None and "wave" in frame:
        frame = frame[frame["wave"] == wave]
    columns = [c for c in comment_columns if c in frame.columns]
    if not columns:  # a side asked no open question
        return pd.Series([], dtype=object, name="comment")
    cells = [[" ".join(str(v).split()) if _is_comment(v) else "" for v in frame[c].tolist()] for c in columns]
    joined = [JOIN.join(p for p in parts if p) for parts in zip(*cells)] if cells else []
    texts = pd.Series(joined, index=frame.index, dtype=object, name="comment")
    return texts[texts != ""]


def shorten_quote(text: str, max_chars: int = QUOTE_CHARS) -> str:
    """`text` on one line, cut at the last word boundary before `max_chars` with "…" when longer."""
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-—/") + "…"


def pick_quotes(texts: pd.Series, matched: pd.Series, focused: pd.Series, *, seed: int, key: str,
                k: int = 2) -> list[str]:
    """Up to `k` different example comments among those `matched`, the same every run.

    Comments about this theme alone (`focused`) are preferred when there are at least k different
    ones; the order is a permutation seeded by `seed` and `key` (side and theme), so every commenter
    has the same chance and the same data gives the same quotes.
    """
    pool = texts[matched & focused]
    if pool.nunique() < k:
        pool = texts[matched]
    rng = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])
    chosen: list[str] = []
    for i in rng.permutation(len(pool)):
        text = pool.iloc[i]
        if text not in chosen:
            chosen.append(text)
        if len(chosen) == k:
            break
    return chosen


# ---------------------------------------------------------------------------------------------------
# the table

def commenter_weights(clean: CleanSide, engagement: Engagement, texts: pd.Series, *,
                      wave: str | None = None) -> np.ndarray | None:
    """The design weights of the commenters `texts` (`side_comments` of the same wave), in their order:
    the side's weights of the wave's respondents (raked over all of them, as every breakdown's are);
    None for an unweighted side."""
    weights = rows_design(clean, engagement, wave).weights
    if weights is None:
        return None
    rows = clean.frame.index
    if wave is not None and "wave" in clean.frame:  # the rows `group_design.wave_rows` numbers from 0
        rows = rows[(clean.frame["wave"].astype(str) == str(wave)).to_numpy()]
    return pd.Series(weights, index=rows).loc[texts.index].to_numpy(dtype=float)


def theme_share(mentions: pd.Series, weights: np.ndarray | None, *, conf: float) -> Proportion:
    """The share of the commenters mentioning a theme, with its Wilson interval: count / commenters,
    or with weights Σw of those mentioning it / Σw of all, the interval on Kish's n_eff of the
    commenters' weights in place of their number."""
    n = len(mentions)
    if weights is None:
        return wilson_ci(int(mentions.sum()), n, conf=conf)
    share = weighted_share(mentions.to_numpy(dtype=bool), weights) if n else math.nan
    return wilson_ci(share * n, n, conf=conf, design=Design(n_eff=kish_n_eff(weights)))


def _side_rows(texts: pd.Series, codebook: Codebook, engagement: Engagement, side: str,
               weights: np.ndarray | None = None) -> list[dict]:
    lang, analysis = engagement.language, engagement.analysis
    min_n, conf = analysis.min_n_comments, 1 - analysis.alpha
    matches = match_themes(texts, codebook, language=lang, side=side)
    themes = {tid: codebook.themes[tid].label[lang] for tid in matches.columns}
    matches[UNCATEGORISED] = ~matches.any(axis=1) if len(matches.columns) else True
    themes[UNCATEGORISED] = section(lang, "comments")["uncategorised"]
    n = len(texts)
    # the employee side as a whole under the comment minimum: no theme figures, no quotes
    suppressed = hidden_for(side, n, min_n)
    focused = matches.drop(columns=UNCATEGORISED).sum(axis=1) <= 1
    rows = []
    for tid, label in themes.items():
        row = {"side": side, "theme": tid, "label": label, "commenters": n, "quote_1": "", "quote_2": "",
               "suppressed": suppressed}
        if suppressed:  # its size too: how many commented is the size of a group too small to show
            row.update(commenters=pd.NA, comments=pd.NA, share=np.nan, share_ci_low=np.nan, share_ci_high=np.nan)
        else:
            count = int(matches[tid].sum())
            ci = theme_share(matches[tid], weights, conf=conf)
            row.update(comments=count, share=100 * ci.share, share_ci_low=100 * ci.ci_low,
                       share_ci_high=100 * ci.ci_high)
            if not too_small(count, min_n):
                quotes = pick_quotes(texts, matches[tid], focused, seed=analysis.seed, key=f"{side}:{tid}")
                for i, quote in enumerate(quotes, start=1):
                    # scrubbed again: the quote is the one verbatim text that leaves the analysis
                    row[f"quote_{i}"] = shorten_quote(scrub_text(quote, names=engagement.scrub_names,
                                                                 language=lang))
        rows.append(row)
    return rows


def theme_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *, wave: str | None = None,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """How often each theme comes up in the open comments, per side (→ `themes.csv`).

    customer, employee: the sides after `scrub_comments`. engagement: for the comment columns,
    language, `analysis.min_n_comments`, `analysis.seed`, `scrub_names` and the codebook path.
    wave: only that wave (None: all rows). codebook: overrides `engagement.codebook`.
    Returns one row per side and theme, then an "uncategorised" row per side: side, theme, label,
    comments (commenters mentioning the theme), commenters (all who commented on that side), share
    (comments / commenters, %; weighted on a weighted side, see `theme_share`), share_ci_low,
    share_ci_high (Wilson, 1 − alpha; on Kish's n_eff when weighted), quote_1, quote_2
    ("" where fewer than min_n_comments mention the theme) and suppressed (the employee side had
    fewer than min_n_comments commenters: commenters, comments and shares missing, no quotes). Sorted by side, then
    by comments, most first, the uncategorised row last.
    """
    lang = engagement.language
    codebook = codebook or load_codebook(engagement.codebook, language=lang)
    rows = []
    for clean in (customer, employee):
        texts = side_comments(clean, engagement.side(clean.side).comment_columns, wave=wave)
        weights = commenter_weights(clean, engagement, texts, wave=wave)
        rows.extend(_side_rows(texts, codebook, engagement, clean.side, weights))
    table = pd.DataFrame(rows, columns=THEME_COLUMNS)
    table[["comments", "commenters"]] = table[["comments", "commenters"]].astype("Int64")
    order = {tid: i for i, tid in enumerate([*codebook.themes, UNCATEGORISED])}
    table = table.assign(_side=table["side"].map({s: i for i, s in enumerate(SIDES)}),
                         _last=table["theme"] == UNCATEGORISED,
                         _count=-table["comments"].astype("Float64").fillna(0),
                         _order=table["theme"].map(order))
    table = table.sort_values(["_side", "_last", "_count", "_order"], kind="stable")
    return table.drop(columns=["_side", "_last", "_count", "_order"]).reset_index(drop=True)
