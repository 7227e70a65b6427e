"""The quality ledger: where every input row and every unusable answer went, and why."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

# Why an answer became missing. Blank cells are counted too, but are not a data problem.
MISSING_REASONS = ("blank", "dont_know", "user_missing", "out_of_range", "unknown_label")
# Why a whole row was left out, in the order the checks run.
# no_item_answered: every mirror item blank; no_usable_answer: answered, but nothing usable (unknown labels,
# don't know, out of range) — the reasons are then in the column counts, which count excluded rows too.
EXCLUSION_REASONS = ("no_respondent_id", "duplicate_respondent_id", "no_wave", "no_item_answered", "no_usable_answer")


@dataclass
class ColumnLedger:
    """What happened to the answers of one scored column (a mirror item, or the NPS/eNPS question)."""

    name: str  # item id, or "nps" / "enps"
    column: str
    valid: int = 0
    missing: Counter = field(default_factory=Counter)  # reason -> count
    unknown_labels: Counter = field(default_factory=Counter)  # label as written -> count
    out_of_range: Counter = field(default_factory=Counter)  # value as written -> count
    coding: str | None = None  # how codes were read when not as written (SPSS value labels)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "column": self.column, "valid": self.valid, "coding": self.coding,
            "missing": {r: int(self.missing.get(r, 0)) for r in MISSING_REASONS},
            "unknown_labels": dict(sorted(self.unknown_labels.items(), key=lambda kv: (-kv[1], kv[0]))),
            "out_of_range": dict(sorted(self.out_of_range.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


@dataclass
class SideLedger:
    """One side's ledger. Invariant: rows_in == rows_used + len(excluded)."""

    side: str
    file: str
    read_as: dict  # format, encoding, delimiter, decimal, skip_rows, sheet as resolved
    rows_in: int
    excluded: list[dict] = field(default_factory=list)  # {"row", "respondent_id", "reason"}
    columns: list[ColumnLedger] = field(default_factory=list)
    reader_notes: list[str] = field(default_factory=list)  # lines that were not survey rows (blank, footer text)
    id_column: str | None = None  # None: the file has no respondent id, each row is one respondent
    ids_per_wave: bool = False  # ids are unique within a wave (they may restart in the next one)

    def respondent_ids(self) -> str:
        """How respondents are told apart, in words."""
        if self.id_column is None:
            return "no id column: each row is one respondent (repeated rows cannot be detected)"
        return f"column {self.id_column!r}, unique " + ("within each wave" if self.ids_per_wave else "in the file")

    def duplicate_counts(self) -> dict[str, int]:
        """Repeated ids left out: with the same answers as the row kept (re-exports) or different ones."""
        dups = [e for e in self.excluded if e["reason"] == "duplicate_respondent_id"]
        same = sum(1 for e in dups if e.get("same_answers"))
        return {"same_answers": same, "different_answers": len(dups) - same}

    @property
    def rows_used(self) -> int:
        return self.rows_in - len(self.excluded)

    def exclusion_counts(self) -> dict[str, int]:
        counts = Counter(e["reason"] for e in self.excluded)
        return {r: counts.get(r, 0) for r in EXCLUSION_REASONS}

    def to_dict(self) -> dict:
        return {
            "side": self.side, "file": self.file, "read_as": self.read_as,
            "rows_in": self.rows_in, "rows_used": self.rows_used,
            "respondent_ids": self.respondent_ids(), "duplicates": self.duplicate_counts(),
            "excluded_by_reason": self.exclusion_counts(), "excluded": self.excluded,
            "reader_notes": self.reader_notes, "columns": [c.to_dict() for c in self.columns],
        }

    def column_table(self) -> pd.DataFrame:
        """One row per scored column: valid answers and each missing reason (for reports)."""
        rows = []
        for c in self.columns:
            row = {"name": c.name, "column": c.column, "valid": c.valid}
            row.update({r: int(c.missing.get(r, 0)) for r in MISSING_REASONS})
            row["unknown_labels"] = ", ".join(f"{k!r}×{v}" for k, v in c.unknown_labels.most_common())
            row["out_of_range_values"] = ", ".join(f"{k!r}×{v}" for k, v in c.out_of_range.most_common())
            rows.append(row)
        return pd.DataFrame(rows)


def overview(ledgers: list[SideLedger]) -> pd.DataFrame:
    """One row per side: rows in, rows used and rows left out per reason."""
    return pd.DataFrame([{"side": led.side, "rows_in": led.rows_in, "rows_used": led.rows_used,
                          **led.exclusion_counts()} for led in ledgers]).set_index("side")
