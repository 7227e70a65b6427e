"""The action plan: initiatives from the consultant-editable library (templates/actions.yaml), grouped by
the 5 I's, proposed for the engagement's top-priority items."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mirrorgap.config.params import Language, validate_model
from mirrorgap.config.paths import TEMPLATES_DIR
from mirrorgap.errors import ParamsError

FIVE_IS = ("inspire", "involve", "inform", "instruct", "incentives")
ANY_THEME = "any"
ACTION_COLUMNS = ["i", "initiative", "title", "text", "for_items", "for_themes"]


class Initiative(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    i: Literal["inspire", "involve", "inform", "instruct", "incentives"]
    themes: Annotated[list[str], Field(min_length=1)]
    title: dict[Language, str]
    text: dict[Language, str]


class ActionLibrary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    initiatives: Annotated[list[Initiative], Field(min_length=1)]


def load_actions(path: str | Path = TEMPLATES_DIR / "actions.yaml") -> ActionLibrary:
    """Read and validate the action library; unknown keys are errors with a did-you-mean."""
    path = Path(path)
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ParamsError(path, [f"cannot read the action library: {exc}"]) from None
    library = validate_model(ActionLibrary, data, source=str(path))
    ids = [a.id for a in library.initiatives]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise ParamsError(path, [f"initiative id {d!r} is used more than once" for d in dups])
    return library


def priority_items(gaps: pd.DataFrame, priority: pd.DataFrame | None = None, *, top: int = 3) -> pd.DataFrame:
    """The items to act on first: blind spots that matter for loyalty, then items customers rate low
    although they matter ('concentrate here'), then the other blind spots. At most `top` items."""
    table = gaps[["item", "label", "theme", "gap", "classification"]].copy()
    quadrant = priority.set_index("item")["quadrant"] if priority is not None and len(priority) else {}
    table["quadrant"] = [quadrant.get(item, "") for item in table["item"]]
    important = table["quadrant"].isin(["concentrate_here", "keep_up_the_good_work"])
    blind = table["classification"] == "blind_spot"
    concentrate = table["quadrant"] == "concentrate_here"
    table["rank_key"] = [0 if b and i else 1 if c else 2 for b, i, c in zip(blind, important, concentrate)]
    chosen = table[blind | (table["quadrant"] == "concentrate_here")]
    chosen = chosen.sort_values(["rank_key", "gap"], ascending=[True, False], kind="stable")
    return chosen.head(top).drop(columns="rank_key").reset_index(drop=True)


def propose_actions(items: pd.DataFrame, library: ActionLibrary, language: str) -> pd.DataFrame:
    """Per I, the initiative that fits the most priority items' themes (a general one where none is
    specific); an I gets nothing only when no initiative of it applies at all."""
    rows = []
    for i in FIVE_IS:
        best, best_items = None, []
        for initiative in (a for a in library.initiatives if a.i == i):
            matched = [r for r in items.itertuples() if r.theme in initiative.themes]
            general = ANY_THEME in initiative.themes
            score = (len(matched), general)
            if (matched or general) and (best is None or score > best[0]):
                best, best_items = (score, initiative), matched or list(items.itertuples())
        if best is None:
            continue
        initiative = best[1]
        rows.append({"i": i, "initiative": initiative.id, "title": initiative.title[language],
                     "text": initiative.text[language],
                     "for_items": "; ".join(r.label for r in best_items),
                     "for_themes": ", ".join(sorted({r.theme for r in best_items if r.theme}))})
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


# ---------------------------------------------------------------------------------------------------
# the plan grounded in the measured 5 I's (issue 13, point 5)

GROUNDED_COLUMNS = [*ACTION_COLUMNS, "score", "driver_pct", "focus_rank", "focus", "why"]
FOCUS_TOP = 2  # the I's with the highest focus get one more initiative


def _why(row, texts: dict, n_scored: int, *, extra: bool) -> str:
    """Why an initiative of this I is proposed, from the scorecard row (score, driver weight, focus rank)."""
    if row is None:
        return texts["why_not_measured"]
    if bool(row.suppressed):
        return texts["why_too_few"]
    parts = [texts["why_score"].format(score=f"{row.mean:.0f}", rank=int(row.focus_rank), count=n_scored)]
    if pd.notna(row.driver_pct):
        parts.append(texts["why_driver"].format(pct=f"{row.driver_pct:.0f}"))
    if extra:
        parts.append(texts["why_focus"])
    return " ".join(parts)


def ground_actions(actions: pd.DataFrame, scorecard: pd.DataFrame, library: ActionLibrary, language: str, *,
                   texts: dict, focus_top: int = FOCUS_TOP) -> pd.DataFrame:
    """The action plan (`propose_actions`) grounded in the 5 I's scorecard (`questions.five_i_table`).

    Every I keeps its initiative; each row gets the I's score, the eNPS driver weight of its questions,
    its focus rank and a sentence saying why (`texts`: the `survey` texts). The `focus_top` I's where
    the scorecard and the drivers point first (focus rank 1, 2; never a hidden I) get one more
    initiative of their I — the next that fits, library order — marked `focus`. Rows stay in the
    order of the 5 I's. Columns GROUNDED_COLUMNS.
    """
    cards = {r.i: r for r in scorecard.itertuples()} if len(scorecard) else {}
    n_scored = int((~scorecard["suppressed"]).sum()) if len(scorecard) else 0
    focus = {i for i, r in cards.items() if not r.suppressed and pd.notna(r.focus_rank) and r.focus_rank <= focus_top}
    rows = []
    for i in FIVE_IS:
        card = cards.get(i)
        figures = ({"score": card.mean, "driver_pct": card.driver_pct, "focus_rank": card.focus_rank}
                   if card is not None else {"score": float("nan"), "driver_pct": float("nan"), "focus_rank": pd.NA})
        chosen = actions[actions["i"] == i]
        for r in chosen.to_dict("records"):
            rows.append({**r, **figures, "focus": i in focus, "why": _why(card, texts, n_scored, extra=False)})
        if i not in focus:
            continue
        taken = set(chosen["initiative"])
        extra = next((a for a in library.initiatives if a.i == i and a.id not in taken), None)
        if extra is not None:
            rows.append({"i": i, "initiative": extra.id, "title": extra.title[language], "text": extra.text[language],
                         "for_items": "", "for_themes": "", **figures, "focus": True,
                         "why": _why(card, texts, n_scored, extra=True)})
    return pd.DataFrame(rows, columns=GROUNDED_COLUMNS).astype({"focus_rank": "Int64", "focus": bool})
