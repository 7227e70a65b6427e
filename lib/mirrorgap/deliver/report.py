"""report.html: a self-contained page for the client — results in words, charts and tables, no code."""
from __future__ import annotations

import base64
from pathlib import Path

import mistune
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from mirrorgap import __version__
from mirrorgap.analyse.journeys import touchpoint_label
from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.numbers import fmt_count, fmt_number, fmt_percent
from mirrorgap.config.paths import TEMPLATES_DIR
from mirrorgap.config.texts import section, tree
from mirrorgap.deliver.narrative import summary_markdown
from mirrorgap.deliver.quality import client_ledger, missing_totals
from mirrorgap.read.ledger import EXCLUSION_REASONS, MISSING_REASONS
from mirrorgap.render.findings import method_text, respondents_words
from mirrorgap.render.style import is_missing
from mirrorgap.render.words import breakdown_name

# The insight sections, in report order: (id, texts section of its heading, title key, charts)
INSIGHT_SECTIONS = (
    ("drivers", "drivers", "drivers_section", ("priority", "drivers")),
    ("units", "units", "units_section", ("heatmap", "segments", "linkage", "touchpoints", "journeys")),
    ("trends", "trends", "trends_section", ("trends", "pulse")),
    ("themes", "comments", "comments_section", ("themes",)),
)


def _table_rows(results: Results, t: dict) -> list[dict]:
    lang = results.engagement.language
    f = lambda v, **kw: fmt_number(v, lang, **kw)  # noqa: E731
    rows = []
    for r in results.gaps.sort_values("gap", ascending=False, na_position="last").itertuples():
        suppressed = r.classification == "suppressed"
        rows.append({
            "label": r.label, "touchpoint": touchpoint_label(r.touchpoint, lang), "customer": f(r.customer_mean),
            "employee": t["chart"]["too_few"] if suppressed else f(r.employee_mean),
            "gap": "" if suppressed else f(r.gap, signed=True),
            "ci": "" if suppressed else f"{f(r.gap_ci_low, signed=True)} … {f(r.gap_ci_high, signed=True)}",
            "q": "" if suppressed else f(r.q_value, decimals=3), "g": "" if suppressed else f(r.hedges_g, decimals=2),
            "classification": r.classification, "classification_text": t["classification"][r.classification],
        })
    return rows


def _quality(results: Results, t: dict) -> list[dict]:
    """Per side: rows in and used ("för få svar" where they would show a hidden group's size), rows
    left out per reason and answers set to missing per reason."""
    f = lambda v: t["chart"]["too_few"] if v is None else fmt_number(v, results.engagement.language)  # noqa: E731
    return [{"side": t["side"][side], "rows_in": f(led["rows_in"]), "rows_used": f(led["rows_used"]),
             "excluded": {r: f(n) for r, n in led["excluded_by_reason"].items()},
             "missing": {r: f(n) for r, n in missing_totals(led).items()}}
            for side, led in client_ledger(results).items()]


def _response_rates(results: Results, t: dict) -> list[dict]:
    """The response-rate table's rows as the report shows them (the breakdown — unit, department or
    both — and the group by name, the all-employees row first per wave; counts grouped by thousands;
    a hidden group's answers and rate read "too few answers")."""
    rates = results.tables.get("response_rates")
    if rates is None:
        return []
    lang, too_few = results.engagement.language, t["chart"]["too_few"]
    everyone = t.get("trends", {}).get("all_employees", "(all)")
    name = lambda by: breakdown_name(by, t["deck"]["by_unit"]) if by else ""  # noqa: E731
    rows = []
    for r in rates.itertuples():
        group = everyone if r.by == "" else r.group if not r.by2 else f"{r.group} × {r.group2}"
        by = name(r.by) if not r.by2 else f"{name(r.by)} × {name(r.by2)}"
        rows.append({"wave": r.wave, "by": by, "group": group, "invited": fmt_count(r.invited, lang),
                     "responded": too_few if r.suppressed else fmt_count(r.responded, lang),
                     "rate": too_few if r.suppressed else fmt_percent(r.response_rate, lang)})
    return rows


def _kpis(results: Results, t: dict) -> list[dict]:
    lang = results.engagement.language
    kpis = []
    for r in results.nps.itertuples():
        value = t["chart"]["too_few"] if r.nps != r.nps else fmt_number(r.nps, lang, signed=True)
        n = "" if is_missing(r.n) else f" · {t['table']['n_value'].format(n=fmt_number(r.n, lang))}"  # hidden: no n
        kpis.append({"value": value, "label": f"{r.label}{n}"})
    return kpis


def _insight_sections(results: Results, charts: dict[str, str]) -> list[dict]:
    """Sections for what the run has: each with a heading, optional paragraphs, charts and a table."""
    lang = results.engagement.language
    labels = section(lang, "report")
    out = []
    for sid, heading_section, title_key, chart_names in INSIGHT_SECTIONS:
        names = [n for c in chart_names for n in ([c] if c != "segments" else sorted(k for k in charts if k.startswith("segment_")))]
        shown = [(name, charts[name]) for name in names if name in charts]
        if not shown:
            continue
        words = section(lang, heading_section)
        out.append({"id": sid, "heading": labels.get(title_key) or words.get("heading", sid),
                    "paragraphs": [str(p) for p in results.texts.get(f"{sid}_paragraphs", [])],
                    "charts": shown})
    return out


def _actions(results: Results, t: dict) -> list[dict]:
    actions = results.tables.get("actions")
    if actions is None or actions.empty:
        return []
    return [{"i": t["actions"][r.i], "title": r.title, "text": r.text, "for_items": r.for_items,
             "why": getattr(r, "why", "")} for r in actions.itertuples()]


def _survey(results: Results, t: dict) -> dict | None:
    """The whole-survey section: index totals with α and ω, the journeys measured and the 5 I's
    scorecard, as small tables (suppressed figures read "too few answers"); None without questions."""
    lang, tables = results.engagement.language, results.tables
    if not any(name in tables for name in ("indices", "journey_measured", "five_is")):
        return None
    w = t["survey"]
    too_few = t["chart"]["too_few"]
    f = lambda v, **kw: fmt_number(v, lang, **kw)  # noqa: E731

    def score(r) -> list[str]:
        if r.suppressed:
            return [too_few, "", ""]
        return [f(r.mean), f"{f(r.ci_low)} … {f(r.ci_high)}", f(r.n)]

    parts = []
    indices = tables.get("indices")
    if indices is not None and len(indices):
        rows = [[r.label, t["side"][r.side], *score(r), "" if r.suppressed else f(r.alpha, decimals=2),
                 "" if r.suppressed else f(r.omega, decimals=2)] for r in indices[indices["by"] == ""].itertuples()]
        parts.append({"title": w["report_indices_title"], "rows": rows,
                      "headers": [w["report_col_name"], w["report_col_side"], w["report_col_score"], w["report_col_ci"],
                                  w["report_col_n"], w["report_col_alpha"], w["report_col_omega"]]})
        for (index, side), part in indices[indices["by"] != ""].groupby(["index", "side"], sort=False):
            by_words = {"unit": t["deck"]["by_unit"]}
            rows = [[r.group, by_words.get(r.by, r.by), *score(r)] for r in part.itertuples()]
            parts.append({"title": w["report_index_groups_title"].format(index=part["label"].iloc[0]), "rows": rows,
                          "headers": [w["report_col_group"], w["report_col_by"], w["report_col_score"],
                                      w["report_col_ci"], w["report_col_n"]]})
    journey = tables.get("journey_measured")
    if journey is not None and len(journey):
        rows = [[r.label, t["side"][r.side], *score(r)] for r in journey.itertuples()]
        parts.append({"title": w["report_journey_title"], "rows": rows,
                      "headers": [w["report_col_name"], w["report_col_side"], w["report_col_score"], w["report_col_ci"],
                                  w["report_col_n"]]})
    card = tables.get("five_is")
    if card is not None and len(card):
        rows = [[r.label, *score(r), "" if r.suppressed or r.driver_pct != r.driver_pct else f"{f(r.driver_pct)} %",
                 "" if r.suppressed else str(r.focus_rank)] for r in card.itertuples()]
        parts.append({"title": w["report_five_is_title"], "rows": rows,
                      "headers": [w["report_col_name"], w["report_col_score"], w["report_col_ci"], w["report_col_n"],
                                  w["report_col_driver"], w["report_col_focus"]]})
    return {"heading": w["report_heading"], "intro": w["report_intro"].format(min_n=results.engagement.analysis.min_n),
            "tables": parts}


def render_report(results: Results, charts: dict[str, bytes], *, run_id: str) -> str:
    """The report as one HTML string; `charts` maps 'mirror', 'gap', 'nps' to PNG bytes."""
    eng = results.engagement
    t = tree(eng.language, metric=eng.analysis.metric)
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "report"), autoescape=select_autoescape(["j2", "html"]))
    encoded = {k: base64.b64encode(v).decode("ascii") for k, v in charts.items()}
    context = {
        "language": eng.language, "client": eng.client, "t": t, "run_id": run_id, "version": __version__,
        "wave_label": results.wave if results.wave is not None else t["report"]["all_waves"],
        **{f"{side}_n": words for side, words in respondents_words(
            results.respondents, min_n=eng.analysis.min_n, language=eng.language).items()},
        # The summary's own title is the section heading; its sub-headings sit one level down.
        "summary_html": Markup(mistune.html(summary_markdown(results).split("\n", 1)[1].replace("\n## ", "\n### "))),
        "kpis": _kpis(results, t), "charts": encoded, "sections": _insight_sections(results, encoded),
        "actions": _actions(results, t), "survey": _survey(results, t),
        "table": _table_rows(results, t), "quality": _quality(results, t),
        "response_rates": _response_rates(results, t),
        "exclusion_reasons": EXCLUSION_REASONS, "missing_reasons": MISSING_REASONS,
        "method_text": method_text(eng, results),
    }
    return env.get_template("report.html.j2").render(**context)


def write_report(results: Results, charts: dict[str, bytes], path: Path, *, run_id: str) -> Path:
    """Write report.html."""
    path.write_text(render_report(results, charts, run_id=run_id), encoding="utf-8")
    return path
