"""The analysts' explorer (JupyterLab): the dashboard's views, recomputed live for the analysis settings
an analyst tries (min_n, gap threshold, α, mean or top-box share, items in or out), and a button that
writes the chosen settings back into the client's params YAML for the next run.

Analysts are the consultancy's own staff, so the explorer reads the raw survey files (through
`mirrorgap.analyse.pipeline`); it builds anonymised aggregates from them exactly as a run does, so what it
shows is what the client's dashboard will show with those settings.

    explorer = Explorer.from_client("demo")
    dashboard = Dashboard.for_views(explorer.views)     # mirrorgap.dashboard.board
    dlink((explorer, "views"), (dashboard, "views"))
"""
from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from traitlets import Any, Float, Int, List, Unicode, observe

from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
from mirrorgap.aggregate.views import AggregateViews
from mirrorgap.analyse.gaps import display_label
from mirrorgap.analyse.pipeline import load_side
from mirrorgap.config.params import Analysis, Engagement, load_engagement, validate_model
from mirrorgap.config.params_io import set_values
from mirrorgap.config.paths import PARAMS_DIR, PROJ_ROOT
from mirrorgap.dashboard.words import dashboard_texts
from mirrorgap.errors import ParamsError
from mirrorgap.read.recode import CleanSide

__all__ = ["ENV_CLIENT", "METRICS", "Explorer", "client_from_env"]

ENV_CLIENT = "MIRRORGAP_CLIENT"  # set by `make explore CLIENT=…`
METRICS = ("mean", "top_box")
# explorer setting -> where it lives in the params file
SETTINGS = {"min_n": ("analysis", "min_n"), "gap_threshold": ("analysis", "gap_threshold"),
            "alpha": ("analysis", "alpha"), "metric": ("analysis", "metric"),
            "excluded_items": ("analysis", "exclude_items")}


def client_from_env(default: str = "demo") -> str:
    """The client the explorer opens: $MIRRORGAP_CLIENT (from `make explore CLIENT=…`), else `default`."""
    return os.environ.get(ENV_CLIENT) or default


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
        """engagement, customer, employee: the params and both clean sides, read with every item (also
        those the params exclude, so they can be ticked back in); params_file: where `save` writes;
        counts: `build_aggregates` of these sides at the engagement's min_n, if already built."""
        super().__init__(**kwargs)
        self.engagement, self.customer, self.employee = engagement, customer, employee
        self.params_file = Path(params_file) if params_file else None
        self.language = engagement.language
        # answer counts per min_n: building them is the only costly step (~1 s for the demo)
        self._counts: dict[int, pd.DataFrame] = {} if counts is None else {engagement.analysis.min_n: counts}
        a = engagement.analysis
        with self.hold_trait_notifications():
            self.min_n, self.gap_threshold, self.alpha = a.min_n, a.gap_threshold, a.alpha
            self.metric, self.excluded_items = a.metric, list(a.exclude_items)
        self.recompute()
        self._build_controls()

    @classmethod
    def from_client(cls, client: str, *, params_dir: Path = PARAMS_DIR) -> "Explorer":
        """Read params/<client>.yaml and both raw survey files (every item, excluded or not)."""
        params_file = Path(params_dir) / f"{client}.yaml"
        engagement = load_engagement(params_file)
        every_item = engagement.model_copy(update={"analysis": engagement.analysis.model_copy(
            update={"exclude_items": []})})
        return cls(engagement, load_side(every_item, "customer"), load_side(every_item, "employee"),
                   params_file=params_file)

    # -- computing ----------------------------------------------------------------------------------
    def analysis(self) -> Analysis:
        """The engagement's analysis settings with the explorer's values, validated (ParamsError)."""
        data = {**self.engagement.analysis.model_dump(), "min_n": int(self.min_n),
                "gap_threshold": float(self.gap_threshold), "alpha": float(self.alpha),
                "metric": self.metric, "exclude_items": list(self.excluded_items)}
        analysis = validate_model(Analysis, data, source="analysis")
        if not {i.id for i in self.engagement.items} - set(analysis.exclude_items):
            raise ParamsError("analysis", [dashboard_texts(self.language)["explorer_keep_one_item"]])
        return analysis

    def recompute(self) -> None:
        """New `views` for the current settings: counts are rebuilt only when min_n changes."""
        engagement = self.engagement.model_copy(update={"analysis": self.analysis()})
        if self.min_n not in self._counts:
            self._counts[self.min_n] = build_aggregates(engagement, self.customer, self.employee)
        meta = aggregate_meta(engagement, self.customer, self.employee, run_id="explorer")
        self.views = AggregateViews(self._counts[self.min_n], meta)  # meta: the kept items, the metric

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
    def save(self) -> dict:
        """Write the settings into the params file (validated first, comments kept); `status` says what
        was saved. Returns the changes."""
        if self.params_file is None:
            raise ValueError("this explorer was built without a params file to save into")
        t = dashboard_texts(self.language)
        values = {"min_n": self.min_n, "gap_threshold": self.gap_threshold, "alpha": self.alpha,
                  "metric": self.metric, "excluded_items": list(self.excluded_items)}
        # only what differs from the file (a setting the file leaves at its default is not written out)
        current = {k: getattr(self.engagement.analysis, SETTINGS[k][-1]) for k in values}
        updates = {SETTINGS[k]: v for k, v in values.items() if v != current[k]}
        shown = _relative(self.params_file)
        try:
            changes, engagement = set_values(self.params_file, updates)
        except ParamsError as exc:
            self.status = t["explorer_invalid"].format(problems="; ".join(exc.problems))
            return {}
        defaults = {SETTINGS[k]: current[k] for k in values}
        changes = {k: (defaults[k] if old is None else old, new) for k, (old, new) in changes.items()}
        if changes:
            self.engagement = engagement
            self.status = t["explorer_saved"].format(path=shown, changes=", ".join(
                f"{'.'.join(k)}: {_show(old)} → {_show(new)}" for k, (old, new) in changes.items()))
        else:
            self.status = t["explorer_unchanged"].format(path=shown)
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
                                                  description=display_label(i, lang),
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
