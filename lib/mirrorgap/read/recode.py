"""Raw survey cells to clean scores: labels to codes, don't-know and out-of-range to missing,
reversed items turned around — every decision counted in the quality ledger.

Each column is classified per distinct value, not per cell, so a million rows cost what their
few dozen distinct answers cost.
"""
from __future__ import annotations

import difflib
import math
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mirrorgap.config.params import Engagement, MirrorItem, Question, Scale, SideSpec
from mirrorgap.errors import InputFileError, LabelConflict
from mirrorgap.read.labels import AGREE_SCALE, DONT_KNOW_LABELS, leading_number, normalise_label
from mirrorgap.read.ledger import ColumnLedger, SideLedger
from mirrorgap.read.pages import small_pages
from mirrorgap.read.value_labels import IDENTITY, CodeMap, code_map
from mirrorgap.stats.estimators import pomp

NPS_SCALE = Scale(min=0, max=10)
BLANK = "(blank)"  # shown for a missing unit / segment value, so no row silently drops out of a breakdown


@dataclass
class CleanSide:
    """One side's usable rows. Item columns (named by item id) hold scores on the item's native scale,
    already turned around for reversed items so that higher is always better."""

    side: str
    frame: pd.DataFrame  # respondent_id, source_row, [wave], [unit], segments…, item ids…, [nps], [satisfaction], comments…
    items: list[MirrorItem]
    scales: dict[str, Scale]  # item id -> this side's scale
    segments: list[str]
    ledger: SideLedger
    wave_order: list[str] | None = None  # the waves in time order: `analysis.wave_order`, or the SPSS codes' order
    # side-only questions (columns named by question id, native scale, reversed ones turned around)
    questions: list[Question] = field(default_factory=list)
    question_scales: dict[str, Scale] = field(default_factory=dict)  # question id -> its scale

    def pomp(self) -> pd.DataFrame:
        """Item scores on the 0–100 POMP scale (percent of maximum possible)."""
        return pd.DataFrame({i.id: pomp(self.frame[i.id], self.scales[i.id].min, self.scales[i.id].max)
                             for i in self.items}, index=self.frame.index)

    def question_pomp(self) -> pd.DataFrame:
        """The side-only questions' scores on the 0–100 POMP scale (one column per question id)."""
        return pd.DataFrame({q.id: pomp(self.frame[q.id], q.scale.min, q.scale.max) for q in self.questions},
                            index=self.frame.index)

    def scale_of(self, column_id: str) -> Scale:
        """The scale of a scored column: a mirror item's scale on this side, or a question's scale."""
        return self.scales[column_id] if column_id in self.scales else self.question_scales[column_id]

def waves_of(clean: CleanSide) -> list[str]:
    """The side's waves in order (natural order of their labels: 2025 < 2026, 2026-W05 < 2026-W12)."""
    if "wave" not in clean.frame:
        return []
    if clean.wave_order:
        present = set(clean.frame["wave"].dropna().unique().tolist())
        return [w for w in clean.wave_order if w in present]
    return sorted(clean.frame["wave"].dropna().unique().tolist(), key=lambda w: (len(str(w)), str(w)))


@dataclass(frozen=True)
class _Coding:
    """How one column's cells are read: the label lookup, don't-know markers, valid range."""

    labels: dict[str, float]
    dont_know_labels: frozenset[str]
    dont_know_codes: frozenset[float]
    user_missing: frozenset[float]
    user_missing_labels: frozenset[str]  # SPSS string variables declare text codes as missing
    scale: Scale
    decimal: str
    codes: CodeMap = IDENTITY  # SPSS numeric codes -> scores, as their value labels decide
    text_codes: dict | None = None  # SPSS string codes -> their value labels


def _number(text: str, decimal: str) -> float | None:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal == ",":
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _classify(value, coding: _Coding) -> tuple[float, str]:
    """One distinct cell value -> (score or nan, reason or '')."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return math.nan, "blank"
    if isinstance(value, (bool, np.bool_)):
        return math.nan, "unknown_label"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    else:
        text = str(value)
        if not text.strip():
            return math.nan, "blank"
        if coding.text_codes and text in coding.text_codes and normalise_label(text) not in coding.user_missing_labels:
            text = str(coding.text_codes[text])
        norm = normalise_label(text)
        if norm in coding.user_missing_labels:
            return math.nan, "user_missing"
        if norm in coding.dont_know_labels:
            return math.nan, "dont_know"
        if norm in coding.labels:
            return coding.labels[norm], ""
        number = _number(text, coding.decimal)
        if number is None:
            lead = leading_number(text)
            number = _number(lead, ",") if lead is not None else None
        if number is None:
            return math.nan, "unknown_label"
    if number in coding.user_missing:
        return math.nan, "user_missing"
    if number in coding.dont_know_codes or number in coding.codes.dont_know:
        return math.nan, "dont_know"
    number = coding.codes.score(number)
    if not coding.scale.min <= number <= coding.scale.max:
        return math.nan, "out_of_range"
    return number, ""


@dataclass
class ScoredColumn:
    """A column's scores plus what is needed to count, later and for any subset of rows, why cells are missing."""

    codes: np.ndarray  # per cell: index into `uniques`, -1 for an empty cell (a small integer type)
    uniques: list
    reasons: list[str]  # per unique value: '' when valid, else a MISSING_REASONS entry
    values: np.ndarray  # per unique value: its score, nan when missing

    @property
    def scores(self) -> np.ndarray:
        """The score of every cell (nan when missing), made from the codes on each call."""
        return np.append(self.values, np.nan)[self.codes]  # code -1 (empty) takes the trailing nan

    def count_into(self, ledger: ColumnLedger, rows: np.ndarray, *, reasons_of: np.ndarray | None = None) -> None:
        """Fill `ledger` with the valid answers of the cells in `rows` (a boolean mask) and the missing
        reasons of the cells in `reasons_of` (default: the same rows; a run passes every row, so that
        the don't-knows and unknown labels of a row left out are counted too)."""
        codes = self.codes[rows if reasons_of is None else reasons_of]
        counts = np.bincount(codes[codes >= 0], minlength=len(self.uniques))
        for k, reason in enumerate(self.reasons):
            if reason and counts[k]:
                ledger.missing[reason] += int(counts[k])
                if reason == "unknown_label":
                    ledger.unknown_labels[str(self.uniques[k])] += int(counts[k])
                elif reason == "out_of_range":
                    ledger.out_of_range[str(self.uniques[k])] += int(counts[k])
        blanks = int((codes < 0).sum())
        if blanks:
            ledger.missing["blank"] += blanks
        if reasons_of is not None:
            codes = self.codes[rows]
            counts = np.bincount(codes[codes >= 0], minlength=len(self.uniques))
        ledger.valid = int(counts[np.isfinite(self.values)].sum())


def score_column(cells: pd.Series, coding: _Coding) -> ScoredColumn:
    """Scores for one column, classified once per distinct value (a categorical's values are its
    categories already)."""
    if isinstance(cells.dtype, pd.CategoricalDtype):
        codes, uniques = cells.cat.codes.to_numpy(), cells.cat.categories
    else:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    values = np.full(len(uniques), np.nan)
    reasons = [""] * len(uniques)
    for k, u in enumerate(uniques):
        values[k], reasons[k] = _classify(u, coding)
    return ScoredColumn(codes=codes, uniques=list(uniques), reasons=reasons, values=values)


def coding_for(spec: SideSpec, scale: Scale, decimal: str, user_missing, *, outcome: bool,
               value_labels=None) -> _Coding:
    """How one scored column is read: the side's labels and don't-know markers, the file's
    user-missing codes and, for SPSS files, what the column's value labels say the codes mean.
    Raises LabelConflict when the value labels cannot be read as one scale."""
    labels = {}
    if spec.standard_labels and scale.min == 1 and scale.max == 5 and not outcome:
        labels.update({normalise_label(k): float(v) for k, v in AGREE_SCALE.items()})
    labels.update({normalise_label(k): float(v) for k, v in spec.answer_labels.items()})
    dk_labels = {normalise_label(v) for v in spec.dont_know if isinstance(v, str)}
    if spec.standard_labels:
        dk_labels |= {normalise_label(v) for v in DONT_KNOW_LABELS}
    dk_codes = set()
    for v in spec.dont_know:
        number = v if not isinstance(v, str) else _number(v, decimal)
        # On an outcome question (NPS, satisfaction) a numeric don't-know code inside the scale
        # (9 on eNPS 0–10) is a real answer, not a marker.
        if number is not None and not (outcome and scale.min <= number <= scale.max):
            dk_codes.add(float(number))
    numeric = [x for x in user_missing if isinstance(x, (int, float, np.integer, np.floating))]
    texts = [normalise_label(x) for x in user_missing if isinstance(x, str)]
    coding = _Coding(labels, frozenset(dk_labels), frozenset(dk_codes), frozenset(float(x) for x in numeric),
                     frozenset(texts), scale, decimal)
    if not value_labels:
        return coding
    text_codes = {k: v for k, v in value_labels.items() if isinstance(k, str)}
    codes = code_map(value_labels, lambda label: _classify(label, coding), lo=scale.min, hi=scale.max,
                     user_missing=coding.user_missing)
    return replace(coding, codes=codes, text_codes=text_codes or None)


def _as_text(cells: pd.Series) -> pd.Series:
    """Grouping and id columns as clean text (white space folded; 2025.0 from Excel reads as 2025)."""
    if isinstance(cells.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(cells.cat.categories.dtype) \
            and cells.cat.categories.dtype != object:
        # The fast text reader's columns: clean each distinct value once, then spread them to the rows.
        values = _as_text(pd.Series(cells.cat.categories.array))
        codes = cells.cat.codes.to_numpy()
        text = pa.array(values.array).take(pa.array(codes, mask=codes < 0))
        return pd.Series(pd.array(text, dtype=values.dtype), index=cells.index)
    if pd.api.types.is_string_dtype(cells.dtype) and cells.dtype != object:
        # Text files: Arrow's own regex engine, because an id column has as many distinct values as
        # rows (pandas' .str.replace falls back to Python's re for \s, once per row).
        arr = pa.array(cells.array)
        text = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, pattern=r"\s+", replacement=" "))
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
        return pd.Series(pd.array(text, dtype=cells.dtype), index=cells.index)

    def one(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            v = int(v)
        text = " ".join(str(v).split())
        return text or None
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    texts = np.array([one(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=cells.index, dtype=object)


def column_of(scored: MirrorItem | Question, side: str) -> str:
    """The file column of a mirror item on one side, or of a side-only question."""
    return scored.column if isinstance(scored, Question) else getattr(scored, f"{side}_column")


def required_columns(spec: SideSpec, items: list[MirrorItem | Question], side: str) -> list[str]:
    """Every column the params name for one side, in params order (items: mirror items, then the
    side's questions, if any)."""
    cols = [spec.id_column, spec.unit_column, spec.wave_column, *spec.segment_columns,
            *[column_of(i, side) for i in items], spec.nps_column, spec.satisfaction_column,
            *spec.comment_columns]
    return list(dict.fromkeys(c for c in cols if c))


def check_columns(raw, spec: SideSpec, items: list[MirrorItem], side: str) -> None:
    """All columns the params name exist in the file; else one error listing every missing one."""
    present = [str(c) for c in raw.frame.columns]
    missing = [c for c in required_columns(spec, items, side) if c not in present]
    if not missing:
        _check_formulas(raw, spec, items, side)
        return
    _repeated(raw, missing, side)
    _on_another_sheet(raw, missing, side)
    folded = {p.casefold(): p for p in present}
    parts = []
    for col in missing:
        close = difflib.get_close_matches(col.casefold(), list(folded), n=1, cutoff=0.6)
        parts.append(f"{col!r}" + (f" (did you mean {folded[close[0]]!r}?)" if close else ""))
    shown = ", ".join(repr(p if len(p) <= 40 else p[:37] + "…") for p in present[:30])
    fix = (f"correct the column names under `{side}:` / `items:` / `questions: {side}:` in the params, or set `skip_rows` "
           f"if the header is not on row {raw.skip_rows + 1}. Columns found: {shown}")
    joined = "".join(present)
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), (",", "commas"), ("|", "pipes")):
        if delimiter != raw.delimiter and len(present) <= 3 and joined.count(delimiter) >= 2:
            fix = (f"the columns look separated by {name}: set `delimiter: {delimiter!r}` under "
                   f"`{side}: input:` (or leave it out to sniff it)")
            break
    raise InputFileError(
        raw.path, f"{side} column(s) named in the params are not in the file: {', '.join(parts)}",
        row=raw.skip_rows + 1, fix=fix)


def _repeated(raw, missing: list[str], side: str) -> None:
    """Raise when a column the params name is one the header repeats: which one is meant is unclear."""
    used = [c for c in missing if c in raw.duplicate_columns]
    if not used:
        return
    numbered = raw.duplicate_columns[used[0]]
    raise InputFileError(
        raw.path, f"the header has duplicate column names: {', '.join(repr(c) for c in used)} — the {side} params "
                  f"use {used[0]!r}, which is in the file {len(numbered)} times (read as "
                  f"{', '.join(repr(n) for n in numbered)})", column=used[0], row=raw.skip_rows + 1,
        fix=f"give every column a unique name in one header row (or export again with unique question ids), "
            f"or point the params at one of {', '.join(repr(n) for n in numbered)}")


def _on_another_sheet(raw, missing: list[str], side: str) -> None:
    """Raise when the columns the params name are on another sheet of the workbook than the one read."""
    found = {sheet: [c for c in missing if c in names] for sheet, names in raw.other_sheets.items()}
    best = max(found, key=lambda s: len(found[s]), default=None)
    if best is None or not found[best]:
        return
    hidden = " (a hidden sheet)" if best in raw.hidden_sheets else ""
    shown = ", ".join(repr(c) for c in found[best][:5]) + (" …" if len(found[best]) > 5 else "")
    raise InputFileError(
        raw.path, f"{len(found[best])} of the {len(missing)} {side} column(s) the params name that are not on "
                  f"sheet {raw.sheet!r} are on sheet {best!r}{hidden}: {shown}", column=found[best][0],
        fix=f"set `sheet: {best}` under `{side}: input:` in the params")


def _check_formulas(raw, spec: SideSpec, items: list[MirrorItem], side: str) -> None:
    """Raise when a column the params use has formula cells without a saved result (read as blank)."""
    uncached = raw.formulas_without_value
    used = [c for c in required_columns(spec, items, side) if c in uncached]
    if not used:
        return
    refs = [r for c in used for r in uncached[c]]
    shown = ", ".join(refs[:8]) + (f", … ({len(refs)} cells)" if len(refs) > 8 else "")
    raise InputFileError(
        raw.path, f"{len(refs)} formula cell(s) in the {side} column(s) {', '.join(repr(c) for c in used)} "
                  f"have no saved result, so they would read as blank: {shown} (the workbook was written by a "
                  "program and never calculated in Excel)", column=used[0],
        fix="open the workbook in Excel or LibreOffice, let it calculate, save it, and use that copy "
            "(or ask for the values instead of formulas)")


def formula_notes(raw, spec: SideSpec, items: list[MirrorItem], side: str) -> list[str]:
    """Ledger notes for formula cells without a saved result in columns the params do not use."""
    uncached = raw.formulas_without_value
    used = set(required_columns(spec, items, side))
    return [f"column {c!r} (not used): {len(refs)} formula cell(s) without a saved result, e.g. {refs[0]}"
            for c, refs in uncached.items() if c not in used]


def _unusable_answers(scored: dict, item_ids: list[str], row: int) -> dict:
    """What a row left out as no_usable_answer gave instead: its answers' reasons and unknown labels."""
    reasons, labels = Counter(), []
    for item in item_ids:
        column = scored[item]
        code = column.codes[row]
        if code >= 0:
            reasons[column.reasons[code]] += 1
            if column.reasons[code] == "unknown_label":
                labels.append(str(column.uniques[code]))
    return {"answers": dict(reasons), "unknown_labels": labels}


def _exclude(ledger: SideLedger, frame: pd.DataFrame, mask: np.ndarray, reason: str,
             details: list[dict] | None = None) -> pd.DataFrame:
    if not mask.any():
        return frame  # nothing to leave out: no copy of a big frame
    for k, (row, rid) in enumerate(zip(frame.loc[mask, "source_row"], frame.loc[mask, "respondent_id"])):
        ledger.excluded.append({"row": int(row), "respondent_id": rid, "reason": reason,
                                **(details[k] if details else {})})
    return frame.loc[~mask]


def _exclude_duplicates(ledger: SideLedger, out: pd.DataFrame, raw_frame: pd.DataFrame,
                        answers: list[str]) -> pd.DataFrame:
    """Leave out every repeat of a respondent id (within its wave, when there are waves: ids that
    restart in each wave are different people); the first row is kept. Each repeat says which row it
    repeats and whether its answers (the columns the params use) are the same — a re-exported row —
    or different: two people given one id, or an answer changed, which the consultant must look at."""
    if out["respondent_id"].is_unique:  # the usual case, and a third of the cost of pairing ids with waves
        return out
    key = ["wave", "respondent_id"] if "wave" in out else ["respondent_id"]
    dup = out.duplicated(key, keep="first").to_numpy()
    if not dup.any():
        return out
    first = out.index.to_series().groupby([out[k] for k in key], dropna=False, sort=False).transform("first")
    repeats, originals = out.index[dup], first[dup].to_numpy()
    left = raw_frame.loc[repeats, answers].reset_index(drop=True)
    right = raw_frame.loc[originals, answers].reset_index(drop=True)
    same = ((left == right).fillna(False) | (left.isna() & right.isna())).all(axis=1).to_numpy()
    rows = out.loc[originals, "source_row"].to_numpy()
    details = [{"duplicate_of": int(r), "same_answers": bool(s)} for r, s in zip(rows, same)]
    return _exclude(ledger, out, dup, "duplicate_respondent_id", details)


def _params_wave_order(raw, out: pd.DataFrame, column: str, order: list[str]) -> list[str]:
    """`analysis.wave_order` as the side's wave order; a wave of the file it does not list is an error
    naming its first row (an unlisted wave has no place in time)."""
    listed = set(order)
    unlisted = out["wave"].notna() & ~out["wave"].isin(listed)
    if unlisted.any():
        first = unlisted.to_numpy().nonzero()[0][0]
        wave = out["wave"].iloc[first]
        raise InputFileError(raw.path, f"the wave {wave!r} is not in analysis.wave_order {order}", column=column,
                             row=int(raw.source_rows[first]), value=wave,
                             fix=f"add {wave!r} to `analysis.wave_order` in the params, oldest wave first")
    return list(order)


@small_pages
def clean_side(raw, engagement: Engagement, side: str) -> CleanSide:
    """Raw survey of one side -> clean scores and its quality ledger.

    Raises InputFileError for missing columns, an item with no valid answer, or no usable row.
    """
    spec = engagement.side(side)
    items = engagement.analysed_items
    questions = engagement.side_questions(side)
    named = [*items, *questions]  # every scored question column of the side
    check_columns(raw, spec, named, side)
    df = raw.frame
    read_as = {k: getattr(raw, k) for k in ("format", "encoding", "delimiter", "decimal", "skip_rows", "sheet")}
    ledger = SideLedger(side=side, file=str(raw.path), read_as=read_as, rows_in=len(df),
                        reader_notes=list(raw.notes) + formula_notes(raw, spec, named, side),
                        id_column=spec.id_column,
                        ids_per_wave=bool(spec.id_column and spec.wave_column))

    ids = (_labelled_text(raw, spec.id_column)[0] if spec.id_column
           else pd.Series(None, index=df.index, dtype=object))  # no id column: each row is one respondent
    out = pd.DataFrame({"respondent_id": ids, "source_row": raw.source_rows}, index=df.index)
    wave_order = None
    for col, name in ((spec.wave_column, "wave"), (spec.unit_column, "unit")):
        if col:
            out[name], order = _labelled_text(raw, col)
            wave_order = order if name == "wave" else wave_order
    if spec.wave_column and engagement.analysis.wave_order:
        wave_order = _params_wave_order(raw, out, spec.wave_column, engagement.analysis.wave_order)
    for col in spec.segment_columns:
        out[col] = _labelled_text(raw, col)[0].fillna(BLANK)
    if spec.unit_column:
        out["unit"] = out["unit"].fillna(BLANK)

    scales = {i.id: getattr(i, f"{side}_scale") for i in items}
    scored: dict[str, ScoredColumn] = {}
    answers: dict[str, np.ndarray] = {}  # the score columns, joined to `out` at once: no copy of each
    for item in items:
        col = getattr(item, f"{side}_column")
        scored[item.id] = _score(raw, spec, ledger, item.id, col, scales[item.id], outcome=False)
        answers[item.id] = _turned(scored[item.id].scores, scales[item.id], item.reversed)
    for col, key, name, scale in ((spec.nps_column, "nps", "nps" if side == "customer" else "enps", NPS_SCALE),
                                  (spec.satisfaction_column, "satisfaction", "satisfaction",
                                   spec.satisfaction_scale)):
        if col:
            scored[key] = _score(raw, spec, ledger, name, col, scale, outcome=True)
            answers[key] = scored[key].scores
    for question in questions:  # side-only questions: the same coding, ledger and checks as mirror items
        scored[question.id] = _score(raw, spec, ledger, question.id, question.column, question.scale, outcome=False)
        answers[question.id] = _turned(scored[question.id].scores, question.scale, question.reversed)
    out = pd.concat([out, pd.DataFrame(answers, index=out.index, copy=False)], axis=1)
    del answers
    for col in spec.comment_columns:
        out[col] = _as_text(df[col])

    if spec.id_column:
        out = _exclude(ledger, out, out["respondent_id"].isna().to_numpy(), "no_respondent_id")
        answers = [c for c in required_columns(spec, named, side) if c != spec.id_column]
        out = _exclude_duplicates(ledger, out, df, answers)
    if spec.wave_column:
        out = _exclude(ledger, out, out["wave"].isna().to_numpy(), "no_wave")
    # a respondent counts when they answered a mirror item or a side-only question
    item_ids = [i.id for i in named]
    unusable = out[item_ids].isna().all(axis=1).to_numpy()
    all_blank = np.all([scored[i].codes < 0 for i in item_ids], axis=0)[out.index.to_numpy()]
    out = _exclude(ledger, out, unusable & all_blank, "no_item_answered")
    nothing_usable = out[item_ids].isna().all(axis=1).to_numpy()
    out = _exclude(ledger, out, nothing_usable, "no_usable_answer",
                   details=[_unusable_answers(scored, item_ids, row) for row in out.index[nothing_usable]])
    used = np.zeros(len(df), dtype=bool)
    used[out.index.to_numpy()] = True
    every_row = np.ones(len(df), dtype=bool)
    for cl, column in zip(ledger.columns, scored.values()):
        column.count_into(cl, used, reasons_of=every_row)
    _require_usable(raw, ledger, out, items, side, spec, questions=questions)
    return CleanSide(side=side, frame=out.reset_index(drop=True), items=list(items), scales=scales,
                     segments=list(spec.segment_columns), ledger=ledger, wave_order=wave_order,
                     questions=list(questions), question_scales={q.id: q.scale for q in questions})


def _turned(scores: np.ndarray, scale: Scale, reversed_: bool) -> np.ndarray:
    """A column's scores, turned around (in place: they are a fresh array) when the item is worded in reverse."""
    return np.subtract(scale.min + scale.max, scores, out=scores) if reversed_ else scores


def _score(raw, spec: SideSpec, ledger: SideLedger, name: str, col: str, scale: Scale, *,
           outcome: bool) -> ScoredColumn:
    """Score one column (an item, NPS or satisfaction) and add its ColumnLedger; SPSS value labels
    that cannot be read as one scale are an error naming the column."""
    try:
        coding = coding_for(spec, scale, raw.decimal, raw.user_missing.get(col, ()), outcome=outcome,
                            value_labels=raw.value_labels.get(col))
    except LabelConflict as exc:
        raise InputFileError(raw.path, f"{exc}", column=col,
                             fix=f"give both ends of the scale a label the params know (add them to "
                                 f"`{ledger.side}.answer_labels`, e.g. 'Strongly agree': 5), or correct "
                                 "the value labels in SPSS/PSPP") from None
    ledger.columns.append(ColumnLedger(name=name, column=col, coding=coding.codes.described or None))
    return score_column(raw.frame[col], coding)


def _labelled_text(raw, col: str) -> tuple[pd.Series, list[str] | None]:
    """An id or grouping column as text, with SPSS user-missing codes blank and codes shown by their
    value labels; and, for such a column, its values in the order of their codes (waves 1, 2, …)."""
    cells = raw.frame[col]
    missing, labels = set(raw.user_missing.get(col, ())), raw.value_labels.get(col) or {}
    if not missing and not labels:
        return _as_text(cells), None
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    shown = [None if u in missing else labels.get(u, u) for u in uniques]
    text = _as_text(pd.Series(np.array(shown + [None], dtype=object)[codes], index=cells.index, dtype=object))
    order = sorted(range(len(uniques)), key=lambda k: (isinstance(uniques[k], str), uniques[k]))
    ordered = _as_text(pd.Series([shown[k] for k in order], dtype=object)).dropna()
    return text, list(dict.fromkeys(ordered))


def _require_usable(raw, ledger: SideLedger, used: pd.DataFrame, items, side: str, spec, *, questions=()) -> None:
    if used.empty:
        reasons = ", ".join(f"{r}: {n}" for r, n in ledger.exclusion_counts().items() if n)
        seen = sum((cl.unknown_labels + cl.out_of_range for cl in ledger.columns), Counter()).most_common(5)
        shown = f"; answers seen that the params do not know: {', '.join(repr(k) for k, _ in seen)}" if seen else ""
        raise InputFileError(raw.path, f"no usable {side} answers ({ledger.rows_in} rows read; "
                             f"{reasons or 'file has no data rows'}{shown})",
                             fix="check that the file holds answers and that the item columns and answer labels in the params match it")
    for item, cl in zip(items, ledger.columns):
        if cl.valid == 0:
            _no_valid_answer(raw, cl, f"mirror item {item.id!r}", side,
                             fix=f"add the labels to `{side}.answer_labels`, correct `{side}_scale` of the item, "
                                 "or point the item at the right column")
    by_name = {cl.name: cl for cl in ledger.columns}
    for question in questions:
        if by_name[question.id].valid == 0:
            _no_valid_answer(raw, by_name[question.id], f"question {question.id!r}", side,
                             fix=f"add the labels to `{side}.answer_labels`, correct the question's `scale` under "
                                 f"`questions: {side}:`, or point the question at the right column")


def _no_valid_answer(raw, cl, what: str, side: str, *, fix: str) -> None:
    """Raise: a scored column (a mirror item or a question) has not one valid answer."""
    seen = cl.unknown_labels.most_common(3) or cl.out_of_range.most_common(3)
    sample = ", ".join(repr(k) for k, _ in seen) or "only blanks / don't know"
    raise InputFileError(raw.path, f"{what} has no valid {side} answer (values seen: {sample})",
                         column=cl.column, row=raw.skip_rows + 1, fix=fix)
