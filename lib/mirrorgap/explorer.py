"""The analysts' explorer (JupyterLab): the dashboard's views, recomputed live for the analysis settings
an analyst tries (min_n, gap threshold, α, mean or top-box share, items in or out), and a button that
writes the chosen settings back into the client's params YAML for the next run.

Analysts are the consultancy's own staff, so the explorer reads the raw survey files (through
`mirrorgap.pipeline`); it builds anonymised aggregates from them exactly as a run does, so what it
shows is what the client's dashboard will show with those settings.

    explorer = Explorer.from_client("demo")
    bar = FilterBar(explorer.views); panels = [OverviewPanel(explorer.views), …]
    for panel in panels:
        dlink((bar, "filters"), (panel, "filters")); dlink((explorer, "views"), (panel, "views"))
"""
from __future__ import annotations

import html
import math
import os
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
from scipy import stats as sps
from traitlets import Any, Float, Int, List, Unicode, observe

from .aggregates import aggregate_meta, build_aggregates
from .errors import ParamsError
from .gaps import classify
from .params import Analysis, Engagement, load_engagement, validate_model
from .params_io import set_values
from .paths import PARAMS_DIR, PROJ_ROOT
from .pipeline import load_side
from .recode import CleanSide
from .stats import benjamini_hochberg
from .views import SIDES, AggregateViews
from .widgets import dashboard_texts

__all__ = ["ENV_CLIENT", "METRICS", "Explorer", "TopBoxViews", "client_from_env", "newcombe_diff_ci",
           "top_box_gap_table", "two_proportion_p"]

ENV_CLIENT = "MIRRORGAP_CLIENT"  # set by `make explore CLIENT=…`
METRICS = ("mean", "top_box")
# explorer setting -> where it lives in the params file; saved only when the schema has the key
SETTINGS = {"min_n": ("analysis", "min_n"), "gap_threshold": ("analysis", "gap_threshold"),
            "alpha": ("analysis", "alpha"), "metric": ("analysis", "metric"),
            "excluded_items": ("analysis", "exclude_items")}


def client_from_env(default: str = "demo") -> str:
    """The client the explorer opens: $MIRRORGAP_CLIENT (from `make explore CLIENT=…`), else `default`."""
    return os.environ.get(ENV_CLIENT) or default


# ---------------------------------------------------------------------------------------------------
# the top-box metric: share of answers at or above analysis.top_box_at, compared between the sides

def newcombe_diff_ci(p1: float, low1: float, high1: float, p2: float, low2: float, high2: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval (1998, method 10) for p1 − p2 from each share's Wilson interval
    (all on the same scale, e.g. percent): d − √((p1−l1)² + (u2−p2)²), d + √((u1−p1)² + (p2−l2)²)."""
    d = p1 - p2
    return d - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2), d + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of k1/n1 against k2/n2 (NaN without answers
    or when every answer is the same)."""
    if min(n1, n2) <= 0:
        return float("nan")
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return float("nan") if k1 / n1 == k2 / n2 else 0.0
    return float(2 * sps.norm.sf(abs(k1 / n1 - k2 / n2) / se))


def top_box_gap_table(gaps: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """The gap table on the top-box share (percent) instead of the POMP mean: *_mean and *_ci_* hold the
    sides' top-box shares with their Wilson intervals, gap = employees − customers in percentage
    points with Newcombe's interval, p from the pooled two-proportion z-test, q by Benjamini–Hochberg,
    classified with the same threshold (points) and α. Suppressed rows stay suppressed; Hedges' g and
    the shared strength/weakness labels (defined on means) are left empty."""
    out = gaps.copy()
    for side in SIDES:
        out[f"{side}_mean_pomp"] = gaps[f"{side}_mean"]  # the item panel still says the average
        for a, b in (("mean", "top_box"), ("ci_low", "top_box_ci_low"), ("ci_high", "top_box_ci_high")):
            out[f"{side}_{a}"] = gaps[f"{side}_{b}"].astype(float)
    rows = []
    for r in out.itertuples():
        if r.classification == "suppressed" or not (np.isfinite(r.employee_mean) and np.isfinite(r.customer_mean)):
            rows.append((np.nan, np.nan, np.nan, np.nan))
            continue
        low, high = newcombe_diff_ci(r.employee_mean, r.employee_ci_low, r.employee_ci_high,
                                     r.customer_mean, r.customer_ci_low, r.customer_ci_high)
        n1, n2 = int(r.employee_n), int(r.customer_n)
        k1, k2 = round(r.employee_mean * n1 / 100), round(r.customer_mean * n2 / 100)
        rows.append((r.employee_mean - r.customer_mean, low, high, two_proportion_p(k1, n1, k2, n2)))
    out[["gap", "gap_ci_low", "gap_ci_high", "p_value"]] = pd.DataFrame(rows, index=out.index, dtype=float)
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy(dtype=float))
    out["classification"] = [classify(g, q, threshold=analysis.gap_threshold, alpha=analysis.alpha)
                             for g, q in zip(out["gap"], out["q_value"])]
    out["hedges_g"] = np.nan
    out["shared"] = ""
    return out


class TopBoxViews:
    """`AggregateViews` whose gap table compares top-box shares (everything else passes through)."""

    metric = "top_box"

    def __init__(self, views: AggregateViews):
        self._views = views

    def __getattr__(self, name):
        return getattr(self._views, name)

    def gap_table(self, filters) -> pd.DataFrame:
        return top_box_gap_table(self._views.gap_table(filters), self._views.analysis)


# ---------------------------------------------------------------------------------------------------
# the explorer widget

class Explorer(widgets.VBox):
    """Controls for every analysis setting; `views` is recomputed when one changes (link the
    dashboard panels' `views` to it). `save()` writes the settings into the params file."""

    min_n = Int()
    gap_threshold = Float()
    alpha = Float()
    metric = Unicode("mean")
    excluded_items = List(Unicode())
    views = Any()
    status = Unicode("")

    def __init__(self, engagement: Engagement, customer: CleanSide, employee: CleanSide, *,
                 params_file: Path | None = None, counts: pd.DataFrame | None = None, **kwargs):
        """engagement, customer, employee: the params and both clean sides; params_file: where `save`
        writes; counts: `build_aggregates` of these sides at the engagement's min_n, if already built."""
        super().__init__(**kwargs)
        self.engagement, self.customer, self.employee = engagement, customer, employee
        self.params_file = Path(params_file) if params_file else None
        self.language = engagement.language
        # answer counts per min_n: building them is the only costly step (~1 s for the demo)
        self._counts: dict[int, pd.DataFrame] = {} if counts is None else {engagement.analysis.min_n: counts}
        a = engagement.analysis
        with self.hold_trait_notifications():
            self.min_n, self.gap_threshold, self.alpha = a.min_n, a.gap_threshold, a.alpha
            self.metric = getattr(a, "metric", "mean")
            self.excluded_items = list(getattr(a, "exclude_items", []))
        self.recompute()
        self._build_controls()

    @classmethod
    def from_client(cls, client: str, *, params_dir: Path = PARAMS_DIR) -> "Explorer":
        """Read params/<client>.yaml and both raw survey files."""
        params_file = Path(params_dir) / f"{client}.yaml"
        engagement = load_engagement(params_file)
        return cls(engagement, load_side(engagement, "customer"), load_side(engagement, "employee"),
                   params_file=params_file)

    # -- computing ----------------------------------------------------------------------------------
    def analysis(self) -> Analysis:
        """The engagement's analysis settings with the explorer's values, validated (ParamsError)."""
        data = {**self.engagement.analysis.model_dump(), "min_n": int(self.min_n),
                "gap_threshold": float(self.gap_threshold), "alpha": float(self.alpha)}
        return validate_model(Analysis, data, source="analysis")

    def recompute(self) -> None:
        """New `views` for the current settings: counts are rebuilt only when min_n changes."""
        engagement = self.engagement.model_copy(update={"analysis": self.analysis()})
        if self.min_n not in self._counts:
            self._counts[self.min_n] = build_aggregates(engagement, self.customer, self.employee)
        meta = aggregate_meta(engagement, self.customer, self.employee, run_id="explorer")
        kept = [i for i in meta["items"] if i["id"] not in set(self.excluded_items)]
        views = AggregateViews(self._counts[self.min_n], {**meta, "items": kept or meta["items"]})
        self.views = TopBoxViews(views) if self.metric == "top_box" else views

    @observe("min_n", "gap_threshold", "alpha", "metric", "excluded_items")
    def _setting_changed(self, change) -> None:
        if change["name"] == "metric" and change["new"] not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {change['new']!r}")
        if getattr(self, "_ready", False):
            try:
                self.recompute()
            except ParamsError as exc:  # the views stay as they were; say why
                self.status = dashboard_texts(self.language)["explorer_invalid"].format(
                    problems="; ".join(f"analysis.{p}" for p in exc.problems))

    # -- saving -------------------------------------------------------------------------------------
    def _in_schema(self, setting: str) -> bool:
        return SETTINGS[setting][-1] in Analysis.model_fields

    def save(self) -> dict:
        """Write the settings the params schema knows into the params file (validated first, comments
        kept); `status` says what was saved and what could not be. Returns the changes."""
        if self.params_file is None:
            raise ValueError("this explorer was built without a params file to save into")
        t = dashboard_texts(self.language)
        values = {"min_n": self.min_n, "gap_threshold": self.gap_threshold, "alpha": self.alpha,
                  "metric": self.metric, "excluded_items": list(self.excluded_items)}
        defaults = {"metric": "mean", "excluded_items": []}
        unsupported = [k for k in ("metric", "excluded_items") if not self._in_schema(k) and values[k] != defaults[k]]
        updates = {SETTINGS[k]: v for k, v in values.items() if self._in_schema(k)}
        shown = _relative(self.params_file)
        notes = []
        try:
            changes, engagement = set_values(self.params_file, updates)
        except ParamsError as exc:
            self.status = t["explorer_invalid"].format(problems="; ".join(exc.problems))
            return {}
        if changes:
            self.engagement = engagement
            notes.append(t["explorer_saved"].format(path=shown, changes=", ".join(
                f"{'.'.join(k)}: {_show(old)} → {_show(new)}" for k, (old, new) in changes.items())))
        else:
            notes.append(t["explorer_unchanged"].format(path=shown))
        if unsupported:
            notes.append(t["explorer_not_in_schema"].format(settings=", ".join(
                f"{'.'.join(SETTINGS[k])} = {_show(values[k])}" for k in unsupported)))
        self.status = " ".join(notes)
        return changes

    # -- controls -----------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        t, lang = dashboard_texts(self.language), self.language
        style = {"description_width": "190px"}
        wide = widgets.Layout(width="460px")
        controls = {
            "min_n": widgets.IntSlider(min=2, max=30, continuous_update=False, description=t["explorer_min_n"],
                                       style=style, layout=wide),
            "gap_threshold": widgets.FloatSlider(min=0, max=30, step=0.5, continuous_update=False,
                                                 description=t["explorer_threshold"], style=style, layout=wide),
            # free text: a value outside (0, 1) is shown and refused with the schema's reason
            "alpha": widgets.FloatText(step=0.01, description=t["explorer_alpha"], style=style,
                                       layout=widgets.Layout(width="300px")),
            "metric": widgets.ToggleButtons(options=[(t["metric_mean"], "mean"), (t["metric_top_box"], "top_box")],
                                            description=t["explorer_metric"], style=style),
        }
        for name, control in controls.items():
            widgets.link((self, name), (control, "value"))
        self.item_boxes = {i.id: widgets.Checkbox(value=i.id not in self.excluded_items, indent=False,
                                                  description=i.label.get(lang, i.id),
                                                  layout=widgets.Layout(width="300px"))
                           for i in self.engagement.items}
        for box in self.item_boxes.values():
            box.observe(self._items_ticked, names="value")
        self.save_button = widgets.Button(description=t["explorer_save"], button_style="primary",
                                          layout=widgets.Layout(width="240px"))
        self.save_button.on_click(lambda _: self.save())
        self.status_line = widgets.HTML()
        self.observe(lambda c: setattr(self.status_line, "value", html.escape(c["new"])), names="status")
        self.controls = controls
        self.children = [
            widgets.HTML(f"<h3>{html.escape(t['explorer_heading'])}</h3>"),
            *controls.values(),
            widgets.HTML(f"<b>{html.escape(t['explorer_items'])}</b>"),
            widgets.GridBox(list(self.item_boxes.values()),
                            layout=widgets.Layout(grid_template_columns="repeat(3, 300px)")),
            widgets.HBox([self.save_button, self.status_line]),
        ]
        self._ready = True

    def _items_ticked(self, change) -> None:
        self.excluded_items = [k for k, box in self.item_boxes.items() if not box.value]


def _relative(path: Path | None) -> str:
    if path is None:
        return "?"
    return str(path.relative_to(PROJ_ROOT)) if path.is_relative_to(PROJ_ROOT) else str(path)


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
