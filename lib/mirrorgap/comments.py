"""Open comments, in one import: scrub personal data first, then count themes.

    from mirrorgap.comments import scrub_side, theme_table, themes_chart

The work lives in `scrub` (personal data out of comments), `themes` (the keyword codebook and the
theme table) and `plots_comments` (the theme chart); this module only gathers their public names.
"""
from __future__ import annotations

from .plots_comments import chart_texts, themes_chart, themes_figure
from .scrub import placeholders, scrub_comments, scrub_side, scrub_text
from .themes import (THEME_COLUMNS, UNCATEGORISED, Codebook, Theme, keyword_pattern, load_codebook,
                     match_themes, parse_codebook, shorten_quote, side_comments, theme_table)

__all__ = [
    "THEME_COLUMNS", "UNCATEGORISED", "Codebook", "Theme", "chart_texts", "keyword_pattern", "load_codebook",
    "match_themes", "parse_codebook", "placeholders", "scrub_comments", "scrub_side", "scrub_text",
    "shorten_quote", "side_comments", "theme_table", "themes_chart", "themes_figure",
]
