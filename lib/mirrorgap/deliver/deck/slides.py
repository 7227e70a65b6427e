"""deck.pptx: the engagement's slides for the client's management team, in the engagement language.

Built from the master in `templates/deck/master.pptx` (made by `templates/deck/make_master.py`). The
consultancy's look (`engagement.branding`) is applied by rewriting the deck's *theme* — primary colour
→ accent1/dk2, accent colour → accent2, font → the theme's major and minor fonts — so slides a
consultant adds in PowerPoint match. Charts are native PowerPoint charts (`deck_charts`), never
pictures: their figures can be checked and edited in PowerPoint.

Slides: title, summary (blind spots and hidden strengths in words), NPS/eNPS, the mirror, the gaps,
then whatever the run's insight tables hold (touchpoints, gap per unit and segment, drivers, priority
matrix, trends, pulse, themes, linkage, action plan), and the method with the data behind it.
Suppressed employee figures never reach a chart, a table or a chart's embedded data: their place is
empty and the label says "too few answers".
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.params import Branding
from mirrorgap.config.paths import TEMPLATES_DIR, resolve_input
from mirrorgap.config.texts import tree
from mirrorgap.deliver.deck import charts as dc
from mirrorgap.deliver.deck.charts import Box, rgb
from mirrorgap.read.ledger import EXCLUSION_REASONS
from mirrorgap.render.findings import item_findings, method_text, nps_sentence, shared_findings
from mirrorgap.render.style import HOUSE_COLORS, tint

__all__ = ["MASTER", "brand_theme", "write_deck"]

MASTER = TEMPLATES_DIR / "deck" / "master.pptx"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LOCALES = {"sv": "sv-SE", "da": "da-DK", "nb": "nb-NO", "en": "en-GB"}
PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf"}  # python-pptx's

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_W = SLIDE_W - 2 * MARGIN
CHART_TOP = Inches(1.75)
NOTE_TOP = Inches(6.55)
FOOTER_TOP = SLIDE_H - Inches(0.42)
WHITE = "#FFFFFF"


# ------------------------------------------------------------------------------------------ theme

def brand_theme(prs, branding: Branding) -> None:
    """Rewrite the deck's theme with the consultancy's colours and font (see the module docstring)."""
    rels = prs.slide_master.part.rels.values()
    part = next(rel.target_part for rel in rels if rel.reltype.endswith("/theme"))
    root = etree.fromstring(part.blob)
    scheme = root.find(f".//{{{A_NS}}}clrScheme")
    for slot, color in (("dk2", branding.primary_color), ("accent1", branding.primary_color),
                        ("accent2", branding.accent_color)):
        node = scheme.find(f"{{{A_NS}}}{slot}")
        for child in list(node):
            node.remove(child)
        etree.SubElement(node, f"{{{A_NS}}}srgbClr", val=color.lstrip("#").upper())
    fonts = root.find(f".//{{{A_NS}}}fontScheme")
    for which in ("majorFont", "minorFont"):
        fonts.find(f"{{{A_NS}}}{which}").find(f"{{{A_NS}}}latin").set("typeface", branding.font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------------------------------ shapes

def _para(frame, text: str, *, size: float, bold: bool = False, color: str | None = None,
          first: bool = False, space_after: float = 4, bullet: str | None = None):
    """Add a paragraph (or fill the frame's first one) with one run of text; `bullet`: its colour."""
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    if bullet:
        _bullet(p, bullet)
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = rgb(color)
    p.space_after = Pt(space_after)
    return p


def _bullet(paragraph, color: str, *, indent=Inches(0.28)) -> None:
    """A real bullet (■ in `color`) with a hanging indent, editable as a bullet in PowerPoint."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(indent)))
    ppr.set("indent", str(-int(indent)))
    clr = etree.SubElement(ppr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr"), val=color.lstrip("#").upper())
    etree.SubElement(ppr, qn("a:buSzPct"), val="80000")
    etree.SubElement(ppr, qn("a:buFont"), typeface="Arial")
    etree.SubElement(ppr, qn("a:buChar"), char="\u25A0")


def _rect(slide, left, top, width, height, color: str, *, name: str | None = None):
    """A flat filled rectangle: no outline, no theme shadow (LibreOffice draws the theme's effects)."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(color)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    if name:
        shape.name = name
    return shape


def _textbox(slide, box: Box, *, anchor=MSO_ANCHOR.TOP):
    """A text box without inner margins that keeps its size (so bottom-anchored notes stay put)."""
    shape = slide.shapes.add_textbox(Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height))
    frame = shape.text_frame
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    return frame


def _slide_number(paragraph, language: str) -> None:
    """A slide-number field, so the number follows the slide when a consultant reorders the deck."""
    fld = etree.SubElement(paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}",
                           type="slidenum")
    rpr = etree.SubElement(fld, qn("a:rPr"), lang=LOCALES.get(language, "en-GB"), sz="1000")
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=HOUSE_COLORS["muted"].lstrip("#"))
    etree.SubElement(fld, qn("a:t")).text = "‹#›"


def _cell(cell, runs: list[tuple[str, float, bool, str | None]], *, fill: str, align=None) -> None:
    """Fill a table cell: background, margins and paragraphs of (text, size, bold, colour)."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = rgb(fill)
    cell.margin_left = cell.margin_right = Inches(0.1)
    cell.margin_top = cell.margin_bottom = Inches(0.05)
    frame = cell.text_frame
    frame.word_wrap = True
    for k, (text, size, bold, color) in enumerate(runs):
        p = _para(frame, text, size=size, bold=bold, color=color or HOUSE_COLORS["text"], first=(k == 0),
                  space_after=2)
        if align is not None:
            p.alignment = align


def _hex(color: tuple[float, float, float]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(int(round(255 * c)) for c in color))


def _run_date(run_id: str) -> str:
    """The run's date from its id (YYYYMMDD-HHMMSS), so a rerun's title slide is dated by its run."""
    m = re.match(r"(\d{4})(\d{2})(\d{2})-", run_id)
    return "-".join(m.groups()) if m else datetime.now(timezone.utc).strftime("%Y-%m-%d")


# ------------------------------------------------------------------------------------------ slides

class _Deck:
    """One deck being built: the presentation, the results, the texts and the layouts."""

    def __init__(self, prs, results: Results, *, run_id: str):
        self.prs, self.results, self.run_id = prs, results, run_id
        self.eng = results.engagement
        self.lang = self.eng.language
        self.t = tree(self.lang, metric=self.eng.analysis.metric)
        self.d = self.t["deck"]
        self.font = self.eng.branding.font
        self.primary = self.eng.branding.primary_color
        self.layouts = {layout.name: layout for layout in prs.slide_layouts}
        logo = resolve_input(self.eng.branding.logo) if self.eng.branding.logo else None
        # SVG is not a picture type PowerPoint files can carry through python-pptx: no logo then
        usable = logo is not None and logo.is_file() and logo.suffix.lower() in PICTURE_TYPES
        self.logo = logo if usable else None

    # ---- helpers
    def f(self, value, **kw) -> str:
        return fmt_number(value, self.lang, **kw)

    def table(self, name: str) -> pd.DataFrame | None:
        table = self.results.tables.get(name)
        return table if isinstance(table, pd.DataFrame) and len(table) else None

    def chart_box(self, *, left=MARGIN, width=CONTENT_W, top=CHART_TOP, bottom=NOTE_TOP) -> Box:
        return Box(int(left), int(top), int(width), int(bottom - top))

    def add_logo(self, slide, *, top, height, right) -> None:
        if self.logo is not None:
            pic = slide.shapes.add_picture(str(self.logo), Emu(0), Emu(top), height=Emu(height))
            pic.left = Emu(right - pic.width)
            pic.name = "Logo"

    def footer(self, slide) -> None:
        frame = _textbox(slide, Box(MARGIN, FOOTER_TOP, Inches(9), Inches(0.3)), anchor=MSO_ANCHOR.MIDDLE)
        _para(frame, f"{self.eng.branding.consultancy} · {self.eng.client}", size=10,
              color=HOUSE_COLORS["muted"], first=True, space_after=0)
        box = Box(SLIDE_W - MARGIN - Inches(1.5), FOOTER_TOP, Inches(1.5), Inches(0.3))
        p = _textbox(slide, box, anchor=MSO_ANCHOR.MIDDLE).paragraphs[0]
        p.alignment = PP_ALIGN.RIGHT
        _slide_number(p, self.lang)

    def content_slide(self, title: str, subtitle: str | None = None, *, note: str | None = None):
        """A slide with the house furniture: title, grey subtitle, a note above the footer, logo, footer."""
        slide = self.prs.slides.add_slide(self.layouts["Title Only"])
        slide.shapes.title.text = title
        if len(title) > 52:  # one line at a smaller size rather than two lines crowding the subtitle
            slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(22 if len(title) <= 64 else 20)
        if subtitle:
            frame = _textbox(slide, Box(MARGIN, Inches(1.33), CONTENT_W, Inches(0.4)))
            _para(frame, subtitle, size=13, color=HOUSE_COLORS["neutral"], first=True, space_after=0)
        if note:
            frame = _textbox(slide, Box(MARGIN, NOTE_TOP, CONTENT_W, Inches(0.45)), anchor=MSO_ANCHOR.BOTTOM)
            _para(frame, note, size=10, color=HOUSE_COLORS["neutral"], first=True, space_after=0)
        self.add_logo(slide, top=Inches(0.42), height=Inches(0.5), right=SLIDE_W - MARGIN)
        self.footer(slide)
        return slide

    def notes(self, slide, lines: list[str]) -> None:
        if lines:
            slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    def n_note(self) -> str:
        r, side = self.results, self.t["side"]
        wave = r.wave if r.wave is not None else self.t["report"]["all_waves"]
        return self.d["n_note"].format(customers=side["customer"], customer_n=r.respondents["customer"],
                                       employees=side["employee"], employee_n=r.respondents["employee"],
                                       wave_word=self.t["report"]["wave"], wave=wave)

    def header_row(self, grid, texts: list[str], *, size: float = 11) -> None:
        for col, text in enumerate(texts):
            _cell(grid.cell(0, col), [(text, size, True, WHITE)], fill=self.primary)

    def legend(self, slide, entries: list[tuple[str, str]], *, top) -> None:
        """A row of colour keys, for charts coloured per point (which PowerPoint's legend cannot list)."""
        left = MARGIN
        for text, color in entries:
            _rect(slide, left, top + Inches(0.07), Inches(0.18), Inches(0.18), color)
            width = Inches(0.3 + 0.11 * len(text))
            box = Box(left + Inches(0.26), top, width, Inches(0.32))
            frame = _textbox(slide, box, anchor=MSO_ANCHOR.MIDDLE)
            _para(frame, text, size=11, first=True, space_after=0)
            left += Inches(0.26) + width

    # ---- the core slides
    def title_slide(self) -> None:
        r, eng, rep, side = self.results, self.eng, self.t["report"], self.t["side"]
        slide = self.prs.slides.add_slide(self.layouts["Title Slide"])
        slide.shapes.title.text = eng.client
        frame = slide.placeholders[1].text_frame
        frame.text = f"{rep['title']} — {rep['subtitle']}"
        wave = r.wave if r.wave is not None else rep["all_waves"]
        p = frame.add_paragraph()
        n_c, n_e = r.respondents["customer"], r.respondents["employee"]
        p.text = (f"{rep['wave']} {wave} · {side['customer']}: {n_c} {rep['respondents']} · "
                  f"{side['employee']}: {n_e} {rep['respondents']}")
        p.runs[0].font.size = Pt(15)
        p.space_before = Pt(10)
        box = Box(Inches(0.8), Inches(6.55), Inches(9), Inches(0.4))
        frame = _textbox(slide, box, anchor=MSO_ANCHOR.BOTTOM)
        by = self.d["prepared_by"].format(consultancy=eng.branding.consultancy)
        _para(frame, f"{by} · {_run_date(self.run_id)} · {rep['generated']} {self.run_id}", size=11,
              color=WHITE, first=True, space_after=0)
        if self.logo is not None:  # on a white card: a logo is made for a light background
            _rect(slide, SLIDE_W - Inches(3.6), Inches(0.6), Inches(3.0), Inches(1.2), WHITE,
                  name="Logo card")
            self.add_logo(slide, top=Inches(0.75), height=Inches(0.9), right=SLIDE_W - Inches(0.75))
        else:
            frame = _textbox(slide, Box(Inches(0.8), Inches(0.6), Inches(8), Inches(0.5)))
            _para(frame, eng.branding.consultancy.upper(), size=14, bold=True, color=WHITE, first=True)

    def summary_slide(self) -> None:
        r, words = self.results, self.t["finding"]
        found = item_findings(r.gaps, self.lang)
        slide = self.content_slide(self.t["report"]["summary"], self.d["summary_subtitle"])
        top, gutter = Inches(1.95), Inches(0.5)
        col_w = (CONTENT_W - gutter) // 2
        columns = (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading"))
        for k, (kind, key) in enumerate(columns):
            color, left = HOUSE_COLORS[kind], MARGIN + k * (col_w + gutter)
            _rect(slide, left, top, col_w, Inches(0.07), color)
            frame = _textbox(slide, Box(left, top + Inches(0.17), col_w, Inches(3.9)))
            head, _, rest = words[key].partition(" — ")
            _para(frame, head, size=18, bold=True, color=color, first=True, space_after=2)
            if rest:
                _para(frame, rest[:1].upper() + rest[1:], size=12, color=HOUSE_COLORS["neutral"],
                      space_after=10)
            for sentence in found[kind] or [self.d["none_found"]]:
                _para(frame, sentence, size=14, space_after=9, bullet=color if found[kind] else None)
        frame = _textbox(slide, Box(MARGIN, Inches(5.75), CONTENT_W, Inches(0.8)), anchor=MSO_ANCHOR.BOTTOM)
        lines = [s for s in (nps_sentence(r.nps, self.lang), *shared_findings(r.gaps, self.lang)) if s]
        for i, line in enumerate(lines):
            _para(frame, line, size=12, color=HOUSE_COLORS["neutral"], first=(i == 0), space_after=3)

    def nps_slide(self) -> None:
        rows = dc.nps_rows(self.results.nps, self.t)
        if rows.empty:
            return
        rep = self.t["report"]
        slide = self.content_slide(self.t["chart"]["nps_title"], rep["nps_heading"], note=rep["nps_note"])
        chart_w = Inches(8.3)
        box = self.chart_box(width=chart_w, bottom=Inches(6.0))
        dc.add_nps_chart(slide, box, rows, self.t, font=self.font)
        left, width, height = MARGIN + chart_w + Inches(0.4), CONTENT_W - chart_w - Inches(0.4), Inches(1.35)
        for k, r in enumerate(rows.itertuples()):
            top = Inches(2.3) + k * Inches(1.7)
            _rect(slide, left, top, width, height, HOUSE_COLORS["light"])
            _rect(slide, left, top, Inches(0.08), height, HOUSE_COLORS[r.side])
            box = Box(left + Inches(0.3), top, width - Inches(0.4), height)
            frame = _textbox(slide, box, anchor=MSO_ANCHOR.MIDDLE)
            name = "eNPS" if r.side == "employee" else "NPS"
            if r.suppressed:
                _para(frame, f"{name}: {self.t['chart']['too_few']}", size=20, bold=True, first=True)
                _para(frame, f"n = {r.n}", size=11, color=HOUSE_COLORS["neutral"], space_after=0)
            else:
                _para(frame, f"{name} {self.f(r.nps, signed=True)}", size=30, bold=True, first=True,
                      space_after=0)
                detail = self.d["kpi_detail"].format(low=self.f(r.ci_low, signed=True),
                                                     high=self.f(r.ci_high, signed=True), n=r.n)
                _para(frame, detail, size=11, color=HOUSE_COLORS["neutral"], space_after=0)

    def mirror_slide(self) -> None:
        rows = dc.mirror_rows(self.results.gaps, self.t)
        slide = self.content_slide(self.t["chart"]["mirror_title"], self.d["mirror_subtitle"],
                                   note=self.n_note())
        dc.add_mirror_chart(slide, self.chart_box(), rows, self.t, font=self.font)

    def gap_slide(self) -> None:
        rows = dc.gap_rows(self.results.gaps, self.t)
        threshold = self.t["chart"]["threshold_note"].format(threshold=self.eng.analysis.gap_threshold)
        slide = self.content_slide(self.t["chart"]["gap_title"], self.d["gap_subtitle"],
                                   note=f"{threshold} {self.n_note()}")
        dc.add_gap_chart(slide, self.chart_box(top=CHART_TOP + Inches(0.3)), rows, self.t, font=self.font)
        self.legend(slide, [(self.t["classification"][c], HOUSE_COLORS[c]) for c in dc.CLASSES],
                    top=CHART_TOP - Inches(0.02))
        # the confidence intervals, which the chart leaves out for legibility, go to the speaker notes
        found = item_findings(self.results.gaps, self.lang)
        ci, f = self.t["table"]["ci"], lambda v: self.f(v, signed=True)  # noqa: E731
        lines = [f"{r.category}: {f(r.gap)} ({ci} {f(r.gap_ci_low)} … {f(r.gap_ci_high)})"
                 for r in rows.itertuples() if pd.notna(r.gap)]
        self.notes(slide, found["blind_spot"] + found["hidden_strength"] + [""] + lines)

    # ---- the insight slides, where the run has the table
    def touchpoint_slide(self) -> None:
        tp = self.table("touchpoints")
        if tp is None:
            return
        hidden = tp["suppressed"].astype(bool) if "suppressed" in tp else tp["employee_mean"].isna()
        rows = pd.DataFrame({
            "category": [dc.too_few_label(lab, self.t) if h else lab for lab, h in zip(tp["label"], hidden)],
            "customer": tp["customer_mean"].astype(float),
            "employee": tp["employee_mean"].astype(float).where(~hidden),
        })
        slide = self.content_slide(self.t["units"]["touchpoint_title"], self.d["touchpoint_subtitle"],
                                   note=self.n_note())
        dc.add_mirror_chart(slide, self.chart_box(), rows, self.t, font=self.font)

    def heatmap_slides(self) -> None:
        """Gap per unit, and per group of each segment, as native tables coloured like a heatmap."""
        ut = self.t["units"]
        units = self.table("units")
        if units is not None:
            self.heatmap_slide(units, ut["heatmap_title"], ut["compared_same_group"])
        segments = self.table("segments")
        if segments is not None:
            for by, part in segments.groupby("by", sort=False):
                if 2 <= part["group"].nunique() <= 8:
                    how = ut.get(f"compared_{part['compared_with'].iloc[0]}", "")
                    name = str(by)[:1].upper() + str(by)[1:]
                    self.heatmap_slide(part, ut["segment_heatmap_title"], f"{name}: {how}")

    def heatmap_slide(self, table: pd.DataFrame, title: str, subtitle: str) -> None:
        """Items (largest overall gap first) × groups; cells coloured by the gap, bold where significant."""
        order = self.results.gaps.sort_values("gap", ascending=False, na_position="last")
        items = [i for i in order["item"] if i in set(table["item"])]
        labels = dict(zip(order["item"], order["label"]))
        groups = list(dict.fromkeys(table["group"]))
        cells = table.set_index(["item", "group"])
        slide = self.content_slide(title, subtitle, note=self.d["heatmap_note"])
        first_w = Inches(3.6)
        width = min(Inches(1.4), (CONTENT_W - first_w) // max(1, len(groups)))
        shape = slide.shapes.add_table(len(items) + 1, len(groups) + 1, Emu(MARGIN), Emu(CHART_TOP),
                                       Emu(first_w + width * len(groups)), Inches(0.34) * (len(items) + 1))
        grid = shape.table
        grid.columns[0].width = Emu(first_w)
        for k in range(len(groups)):
            grid.columns[k + 1].width = Emu(width)
        self.header_row(grid, ["", *map(str, groups)], size=9.5)
        too_few = self.t["units"]["heatmap_too_few"]
        for i, item in enumerate(items, start=1):
            _cell(grid.cell(i, 0), [(labels.get(item, item), 10, False, None)], fill=WHITE)
            for k, group in enumerate(groups, start=1):
                row = cells.loc[(item, group)] if (item, group) in cells.index else None
                if row is None or bool(row["suppressed"]) or pd.isna(row["gap"]):
                    _cell(grid.cell(i, k), [(too_few, 9, False, HOUSE_COLORS["muted"])],
                          fill=HOUSE_COLORS["light"], align=PP_ALIGN.CENTER)
                    continue
                gap = float(row["gap"])
                strength = min(abs(gap) / 20, 1.0)
                base = HOUSE_COLORS["blind_spot"] if gap > 0 else HOUSE_COLORS["hidden_strength"]
                significant = bool(row["gap_ci_low"] > 0 or row["gap_ci_high"] < 0)
                ink = WHITE if strength > 0.55 else HOUSE_COLORS["text"]
                _cell(grid.cell(i, k), [(self.f(gap, signed=True), 10.5, significant, ink)],
                      fill=_hex(tint(base, 0.08 + 0.8 * strength)), align=PP_ALIGN.CENTER)

    def drivers_slides(self) -> None:
        drivers = self.table("drivers")
        if drivers is None:
            return
        dt = self.t["drivers"]
        for (side, outcome), part in drivers.groupby(["side", "outcome"], sort=False):
            shown = part[~part["suppressed"].astype(bool)].dropna(subset=["weight_pct"])
            if shown.empty:
                continue
            shown = shown.sort_values("weight_pct", ascending=False)
            note = dt["model_note"].format(r2=self.f(shown["r2"].iloc[0], decimals=2),
                                           n=int(shown["n_respondents"].iloc[0]),
                                           conf=self.f(100 * (1 - self.eng.analysis.alpha)))
            title = dt.get(f"title_{side}_{outcome}", dt["priority_title"])
            slide = self.content_slide(title, dt["weight_axis"], note=note)
            dc.add_bar_chart(slide, self.chart_box(), shown["label"].tolist(),
                             [(self.t["side"][side], shown["weight_pct"].tolist(), HOUSE_COLORS[side])],
                             font=self.font, fmt=dc.percent_format(self.t), minimum=0, legend=False,
                             gap_width=50, overlap=0)

    def priority_slide(self) -> None:
        priority = self.table("priority")
        rows = dc.priority_rows(priority) if priority is not None else None
        if rows is None or rows.empty:
            return
        slide = self.content_slide(self.t["drivers"]["priority_title"], self.d["priority_subtitle"],
                                   note=self.d["priority_note"])
        dc.add_priority_chart(slide, self.chart_box(), rows, self.t, font=self.font)

    def trend_slide(self) -> None:
        trends = self.table("trends")
        rows = dc.trend_rows(trends) if trends is not None else None
        if rows is None or rows.empty:
            return
        subtitle = self.d["trend_subtitle"].format(wave_from=rows["wave_from"].iloc[0],
                                                   wave_to=rows["wave_to"].iloc[0])
        slide = self.content_slide(self.t["trends"]["trend_title"], subtitle, note=self.d["trend_note"])
        limit = max(5.0, float(rows[["customer", "employee"]].abs().max().max()) * 1.25)
        step = dc.nice_step(2 * limit)
        limit = math.ceil(limit / step) * step
        labels = [dc.too_few_label(r.label, self.t) if pd.isna(r.employee) else r.label
                  for r in rows.itertuples()]
        sides = ("customer", "employee")
        chart = dc.add_bar_chart(
            slide, self.chart_box(), labels,
            [(self.t["side"][s], rows[s].tolist(), HOUSE_COLORS[s]) for s in sides],
            font=self.font, fmt=dc.signed_format(), minimum=-limit, maximum=limit, major=step, gap_width=55,
            overlap=0, label_size=9.5, category_size=10.5)
        for series, side in zip(chart.plots[0].series, sides):  # a change that is not significant: light
            for i, significant in enumerate(rows[f"{side}_significant"]):
                if not significant:
                    dc.fill(series.points[i].format, dc.light(HOUSE_COLORS[side]))

    def pulse_slide(self) -> None:
        pulse = self.table("pulse")
        rows = dc.pulse_rows(pulse) if pulse is not None else None
        if rows is None or rows.empty or rows["mean"].isna().all():
            return
        spec, tt = self.eng.pulse, self.t["trends"]
        lo, hi = (spec.scale.min, spec.scale.max) if spec is not None else (1, 10)
        subtitle = self.d["pulse_subtitle"].format(low=self.f(lo), high=self.f(hi))
        slide = self.content_slide(tt["pulse_title"], subtitle,
                                   note=tt["hidden_note"] if rows["mean"].isna().any() else None)
        finite = rows["mean"].dropna()
        y_lo, y_hi = max(float(lo), math.floor(finite.min() - 1)), min(float(hi), math.ceil(finite.max() + 1))
        dc.add_line_chart(slide, self.chart_box(), rows["period"].tolist(),
                          [(tt["all_employees"], rows["mean"].tolist(), HOUSE_COLORS["employee"])],
                          font=self.font, fmt="0.0", minimum=y_lo, maximum=y_hi, major=1, legend=False)

    def themes_slide(self) -> None:
        """The themes of each side's comments, side by side on one scale; a side too small is not shown."""
        themes = self.table("themes")
        if themes is None:
            return
        ct = self.t["comments"]
        sides = []
        for side in ("customer", "employee"):
            shown = (themes["side"] == side) & ~themes["suppressed"].astype(bool)
            part = themes[shown].dropna(subset=["share"])
            part = part[part["comments"].fillna(0) > 0]  # a theme nobody mentions is no news on a slide
            if not part.empty:  # the themes by share, "no theme found" last: it is not a theme
                part = part.assign(last=part["theme"].eq("uncategorised"))
                sides.append((side, part.sort_values(["last", "share"], ascending=[True, False])))
        if not sides:
            return
        hidden = (themes["side"] == "employee").any() and all(side != "employee" for side, _ in sides)
        note = ct["employee_suppressed"].format(min_n=self.eng.analysis.min_n_comments) if hidden else None
        slide = self.content_slide(ct["chart_title"], ct["share_axis"], note=note)
        gutter = Inches(0.4)
        width = (CONTENT_W - gutter * (len(sides) - 1)) // len(sides)
        top = float(math.ceil(themes["share"].max() / 10 + 0.5) * 10)
        for k, (side, part) in enumerate(sides):
            left = MARGIN + k * (width + gutter)
            frame = _textbox(slide, Box(left, CHART_TOP, width, Inches(0.35)))
            heading = ct["legend"].format(side=self.t["side"][side], n=int(part["commenters"].iloc[0]))
            _para(frame, heading, size=13, bold=True, color=HOUSE_COLORS[side], first=True, space_after=0)
            dc.add_bar_chart(slide, self.chart_box(left=left, width=width, top=CHART_TOP + Inches(0.35)),
                             part["label"].tolist(),
                             [(self.t["side"][side], part["share"].tolist(), HOUSE_COLORS[side])],
                             font=self.font, fmt=dc.percent_format(self.t), minimum=0, maximum=top, major=10,
                             legend=False, gap_width=50, overlap=0, label_size=10, category_size=10.5)

    def linkage_slide(self) -> None:
        linkage = self.table("linkage")
        if linkage is None or "included" not in linkage:
            return
        used = linkage[linkage["included"].astype(bool) & ~linkage["employee_suppressed"].astype(bool)]
        if len(used) < 3:
            return
        ut = self.t["units"]
        summary = self.results.texts.get("linkage")
        if not hasattr(summary, "pearson_r"):
            from mirrorgap.analyse.linkage import linkage_summary
            summary = linkage_summary(linkage, language=self.lang, conf=1 - self.eng.analysis.alpha)
        r_text = ut["linkage_r"].format(r=self.f(summary.pearson_r, decimals=2),
                                        low=self.f(summary.pearson_ci_low, decimals=2),
                                        high=self.f(summary.pearson_ci_high, decimals=2))
        units_text = ut["linkage_units"].format(n_units=len(used))
        slide = self.content_slide(ut["linkage_title"], f"{r_text} · {units_text}", note=ut["linkage_note"])
        points = pd.DataFrame({"x": used["employee_index"], "y": used["customer_index"],
                               "label": used["unit"]})

        def axis(values: pd.Series) -> tuple[float, float]:
            return math.floor((values.min() - 5) / 5) * 5, math.ceil((values.max() + 5) / 5) * 5

        kind_e, kind_c = str(used["employee_index_kind"].iloc[0]), str(used["customer_index_kind"].iloc[0])
        dc.add_scatter_chart(slide, self.chart_box(), [(units_text, points, self.primary)], font=self.font,
                             x_range=axis(points["x"]), y_range=axis(points["y"]), x_fmt="0", y_fmt="0",
                             x_title=ut[f"linkage_employee_{kind_e}"],
                             y_title=ut[f"linkage_customer_{kind_c}"])

    def actions_slide(self) -> None:
        actions = self.table("actions")
        if actions is None:
            return
        at = self.t["actions"]
        slide = self.content_slide(at["heading"])
        n = len(actions) + 1
        shape = slide.shapes.add_table(n, 3, Emu(MARGIN), Inches(1.5), Emu(CONTENT_W), Inches(0.5) * n)
        grid = shape.table
        for col, w in enumerate((Inches(1.9), CONTENT_W - Inches(5.3), Inches(3.4))):
            grid.columns[col].width = Emu(w)
        self.header_row(grid, ["5 I", self.d["action_initiative"], self.d["action_for"]], size=12)
        for i, r in enumerate(actions.itertuples(), start=1):
            fill = HOUSE_COLORS["light"] if i % 2 else WHITE
            _cell(grid.cell(i, 0), [(at.get(r.i, r.i), 13, True, None)], fill=fill)
            text = [(r.title, 12, True, None), (r.text, 10.5, False, HOUSE_COLORS["neutral"])]
            _cell(grid.cell(i, 1), text, fill=fill)
            _cell(grid.cell(i, 2), [(r.for_items.replace("; ", "\n"), 10.5, False, None)], fill=fill)

    def method_slide(self) -> None:
        a, rep = self.eng.analysis, self.t["report"]
        slide = self.content_slide(self.d["method_title"])
        frame = _textbox(slide, Box(MARGIN, Inches(1.5), Inches(6.6), Inches(4.9)))
        method = method_text(self.eng)
        _para(frame, rep["method_heading"], size=16, bold=True, color=self.primary, first=True)
        _para(frame, method, size=12, space_after=8)
        _para(frame, self.d["anonymity"].format(min_n=a.min_n), size=12, space_after=8)
        _para(frame, rep["nps_note"], size=12, space_after=0)
        left, width = MARGIN + Inches(7.1), CONTENT_W - Inches(7.1)
        frame = _textbox(slide, Box(left, Inches(1.5), width, Inches(0.4)))
        _para(frame, rep["quality_heading"], size=16, bold=True, color=self.primary, first=True)
        ledgers = [s.ledger for s in (self.results.customer, self.results.employee)]
        lines = [(rep["rows_in"], [led.rows_in for led in ledgers]),
                 (rep["rows_used"], [led.rows_used for led in ledgers])]
        for reason in EXCLUSION_REASONS:
            counts = [led.exclusion_counts()[reason] for led in ledgers]
            if any(counts):
                lines.append((f"{rep['excluded']}: {self.t['reasons'][reason]}", counts))
        n = len(lines) + 1
        grid = slide.shapes.add_table(n, 3, Emu(left), Inches(2.0), Emu(width), Inches(0.34) * n).table
        grid.columns[0].width = Emu(width - Inches(2.8))
        grid.columns[1].width = grid.columns[2].width = Inches(1.4)
        self.header_row(grid, ["", self.t["side"]["customer"], self.t["side"]["employee"]])
        for i, (label, counts) in enumerate(lines, start=1):
            fill = HOUSE_COLORS["light"] if i % 2 else WHITE
            _cell(grid.cell(i, 0), [(label, 10.5, False, None)], fill=fill)
            for col, count in enumerate(counts, start=1):
                _cell(grid.cell(i, col), [(str(count), 10.5, False, None)], fill=fill, align=PP_ALIGN.RIGHT)

    def build(self) -> None:
        for make in (self.title_slide, self.summary_slide, self.nps_slide, self.mirror_slide, self.gap_slide,
                     self.touchpoint_slide, self.heatmap_slides, self.drivers_slides, self.priority_slide,
                     self.trend_slide, self.pulse_slide, self.themes_slide, self.linkage_slide,
                     self.actions_slide, self.method_slide):
            make()


def write_deck(results: Results, path: Path, *, run_id: str) -> Path:
    """Write deck.pptx for a run.

    results: the run's Results (gaps, nps and whatever `results.tables` holds).
    path: where to write (…/deck.pptx). run_id: shown (with its date) on the title slide.
    Returns the path.
    """
    eng = results.engagement
    prs = Presentation(str(MASTER))
    brand_theme(prs, eng.branding)
    _Deck(prs, results, run_id=run_id).build()
    props = prs.core_properties
    props.title = f"{eng.client} — {tree(eng.language)['report']['title']}"
    props.author = props.last_modified_by = eng.branding.consultancy
    props.language = LOCALES.get(eng.language, eng.language)
    path = Path(path)
    prs.save(str(path))
    return path
