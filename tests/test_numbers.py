"""The number rules of mirrorgap.config.numbers beyond fmt_number (which tests/test_texts.py checks)."""
import numpy as np
import pytest

from mirrorgap.config.numbers import MINUS, fmt_count, fmt_level, fmt_number, fmt_whole


def test_whole_numbers_round_and_sign_alike_in_every_language():
    assert [fmt_whole(v, signed=True) for v in (19.4, -7.6, 0.2, -0.4, 0, 2.5)] == ["+19", f"{MINUS}8", "0", "0", "0",
                                                                                  "+2"]
    assert [fmt_whole(v) for v in (19.4, -7.6, np.float64(54.5), 100)] == ["19", f"{MINUS}8", "54", "100"]
    for lang in ("sv", "da", "nb", "en"):
        assert fmt_number(-7.6, lang, signed=True) == fmt_whole(-7.6, signed=True)


@pytest.mark.parametrize("lang, expected", [("en", "1,477"), ("da", "1.477"), ("sv", "1\u202f477"),
                                            ("nb", "12\u202f345\u202f678")])
def test_counts_group_their_thousands_the_readers_way(lang, expected):
    n = 12345678 if lang == "nb" else 1477.0
    assert fmt_count(n, lang) == expected


def test_counts_below_a_thousand_and_missing_counts():
    assert fmt_count(125, "sv") == "125" and fmt_count(np.int64(7), "da") == "7"
    assert fmt_count(None, "sv") == fmt_count(float("nan"), "en") == "–"


@pytest.mark.parametrize("level, lang, expected", [(0.95, "sv", "95"), (0.95, "en", "95"), (0.975, "sv", "97,5"),
                                                   (0.975, "en", "97.5"), (0.9, "nb", "90")])
def test_confidence_levels_as_short_percentages(level, lang, expected):
    assert fmt_level(level, lang) == expected


def test_infinite_values_read_as_missing():
    assert fmt_number(float("inf"), "sv") == fmt_whole(-np.inf) == "–"
