"""The charts' display texts, all from the language files (`templates/lang`): a chart's whole set in
the engagement language, and the English defaults every chart merges its caller's texts over.

No chart holds words of its own: a chart takes `texts` (one of the sets below, or a section of the
language files) and falls back, key by key, on its `DEFAULT_TEXTS`, an `EnglishTexts`.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from mirrorgap.config.texts import section

__all__ = ["EnglishTexts", "breakdown_name", "chart_texts", "comment_chart_texts", "texts_under", "unit_chart_texts"]


def breakdown_name(by: str, unit_word: str) -> str:
    """A breakdown as the deliverables name it: "unit" is `unit_word` (the language's "Enhet"); a
    segment column is its name with the first letter capitalised (as the client's files spell it)."""
    return unit_word if by == "unit" else str(by)[:1].upper() + str(by)[1:]


def texts_under(language: str, *headings: str, metric: str = "mean") -> dict[str, str]:
    """The texts under these headings of the language files, later headings over earlier ones,
    worded for the gap `metric`."""
    out: dict[str, str] = {}
    for heading in headings:
        out.update(section(language, heading, metric=metric))
    return out


def chart_texts(language: str, metric: str = "mean") -> dict[str, str]:
    """The texts of the core charts (sides, classifications, axes) in the engagement language, the axes
    worded for the gap `metric`."""
    return texts_under(language, "side", "classification", "chart", metric=metric)


def unit_chart_texts(language: str) -> dict[str, str]:
    """The texts of the unit, segment, linkage and journey charts: the core charts' plus `units:`."""
    return texts_under(language, "side", "classification", "chart", "units")


def comment_chart_texts(language: str) -> dict[str, str]:
    """The texts of the comment-themes chart: side names and the `comments:` texts, its title set."""
    words = section(language, "comments")
    return {**section(language, "side"), **words, "title": words["chart_title"]}


class EnglishTexts(Mapping):
    """A chart's default texts: the English texts under `headings`, read from the language files when
    first used (not at import), with `fixed` over them (a chart's default title is empty)."""

    def __init__(self, *headings: str, **fixed: str):
        self._headings, self._fixed = headings, fixed
        self._texts: dict[str, str] | None = None

    def _loaded(self) -> dict[str, str]:
        if self._texts is None:
            self._texts = {**texts_under("en", *self._headings), **self._fixed}
        return self._texts

    def __getitem__(self, key: str) -> str:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __repr__(self) -> str:
        return f"EnglishTexts{(*self._headings,)!r}"
