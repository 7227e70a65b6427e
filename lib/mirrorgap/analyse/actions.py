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
