"""Personal data is removed from comments; ordinary numbers and words are kept byte-identical."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mirrorgap.config.params import LANGUAGES, load_engagement
from mirrorgap.read.readers import read_survey
from mirrorgap.read.recode import clean_side
from mirrorgap.read.scrub import placeholders, scrub_comments, scrub_side, scrub_text

NAMES = ["Mikael", "Sara", "Jonas", "Maria", "Åsa", "Bjørn", "Anna Svensson"]
SV = {"email": "[e-post]", "phone": "[telefon]", "id_number": "[personnummer]", "name": "[namn]"}

# (text, the secret that must disappear, its kind)
POSITIVES = [
    # e-mail addresses
    ("Skriv till anna.svensson@example.se tack", "anna.svensson@example.se", "email"),
    ("Mejla åsa.öberg@företaget.se", "åsa.öberg@företaget.se", "email"),
    ("kontakt: per+bil@mail.co.uk.", "per+bil@mail.co.uk", "email"),
    ("Send to jens (at) firma.dk please", "jens (at) firma.dk", "email"),
    # Swedish phone numbers
    ("Ring mig på 070-123 45 67.", "070-123 45 67", "phone"),
    ("Nr 0701234567 går bra", "0701234567", "phone"),
    ("Tel +46 70 123 45 67", "+46 70 123 45 67", "phone"),
    ("Tel +46 (0)70-123 45 67", "+46 (0)70-123 45 67", "phone"),
    ("Tel 0046 70 123 45 67", "0046 70 123 45 67", "phone"),
    ("Växeln 08-123 456 78 svarar inte", "08-123 456 78", "phone"),
    ("Göteborg 031-12 34 56", "031-12 34 56", "phone"),
    ("Mobil 073–987 65 43", "073–987 65 43", "phone"),
    ("Ring 0431-123 45", "0431-123 45", "phone"),
    ("Ring 070 123 45 67", "070 123 45 67", "phone"),
    ("Ring 08123456 i Stockholm", "08123456", "phone"),
    # Danish and Norwegian phone numbers
    ("Ring på +45 12 34 56 78", "+45 12 34 56 78", "phone"),
    ("Mit nummer er 12 34 56 78", "12 34 56 78", "phone"),
    ("Ring meg på +47 912 34 567", "+47 912 34 567", "phone"),
    ("Ring meg på 912 34 567", "912 34 567", "phone"),
    ("Mobil 91234567", "91234567", "phone"),
    ("Tlf. +4791234567", "+4791234567", "phone"),
    # Swedish personnummer / samordningsnummer
    ("Mitt personnummer 19850412-1234 stod fel", "19850412-1234", "id_number"),
    ("pnr 850412-1234", "850412-1234", "id_number"),
    ("pnr 198504121234", "198504121234", "id_number"),
    ("pnr 8504121234", "8504121234", "id_number"),
    ("Född 1910: 100412+1234", "100412+1234", "id_number"),
    ("samordningsnr 850472-1234", "850472-1234", "id_number"),
    ("pnr 20050412–1234", "20050412–1234", "id_number"),
    # Danish CPR
    ("CPR 120485-1234", "120485-1234", "id_number"),
    ("CPR 1204851234", "1204851234", "id_number"),
    # Norwegian fødselsnummer / D-nummer
    ("Fnr 12048512345", "12048512345", "id_number"),
    ("Fnr 120485 12345", "120485 12345", "id_number"),
    ("D-nr 52048512345", "52048512345", "id_number"),
]

NEGATIVES = [
    "Priset var 1 250 kr för en vanlig service.",
    "Service 2026 kostade 3 450 kr.",
    "Bilen har gått 12 000 mil.",
    "Bilen har gått 12.000 km.",
    "Besöket 2026-03-15 gick bra.",
    "Besöket 15.03.2026 gick bra.",
    "Besöket 05-03-2026 och 5/3-2026.",
    "Kund sedan 2019, jämfört 2025–2026.",
    "Klar kl 17 i stället för 14, väntade 30 minuter.",
    "Öppet 07:30–17:00 och 08-12 på lördagar.",
    "Ordernummer 1234567890 på fakturan.",
    "Kostade 12 500 000 kr totalt? Nej, 1 250 000 kr.",
    "Timpris 1 095:- inkl. moms 25 %.",
    "Däcktryck 2,4 bar, 0,5 liter olja.",
    "Reg.nr ABC 123 stod fel.",
    "Ring 112 vid olycka.",
    "Faktura 123456 och kvitto 7654321.",
    "Datum 20260315 i systemet, besök 05032026.",
    "Mariastatyn, Sarah och Mikaela är inte på listan.",
    "Jonasson och Annas bil.",
    "Pris: 899 kr. Rabatt 10 %.",
    "Temperaturen var +5 grader.",
    "Kilometerstand 123 456 km.",
    "Årsmodell 2018, 4 dörrar, 190 hk.",
    "Tæller 45 000 km, pris 12.995 kr.",
    "Kr 12 990 for service, 2 timer.",
    "Version 2.0.1 av appen.",
    "sverige@ är ingen adress",
]


@pytest.mark.parametrize("text, secret, kind", POSITIVES, ids=[p[1] for p in POSITIVES])
def test_every_true_positive_is_removed(text, secret, kind):
    # exactly the secret is replaced; everything around it is kept
    assert scrub_text(text, names=NAMES, language="sv") == text.replace(secret, SV[kind])


@pytest.mark.parametrize("text", NEGATIVES)
def test_every_negative_is_kept_byte_identical(text):
    assert scrub_text(text, names=NAMES, language="sv").encode("utf-8") == text.encode("utf-8")


def test_the_table_is_large_enough():
    assert len(POSITIVES) + len(NEGATIVES) >= 30 and len(POSITIVES) >= 30


@pytest.mark.parametrize("text, expected", [
    ("Tack Mikael!", "Tack [namn]!"),
    ("Mikaels kollega", "[namn] kollega"),
    ("Saras bil och sara's nycklar", "[namn] bil och [namn] nycklar"),
    ("Jonas' chef", "[namn] chef"),
    ("MARIA på verkstaden", "[namn] på verkstaden"),
    ("åsa och ÅSAS kund", "[namn] och [namn] kund"),
    ("Hälsa BJØRN", "Hälsa [namn]"),
    ("Anna  Svensson ringde", "[namn] ringde"),
    ("'Sara' sa hej", "'[namn]' sa hej"),
])
def test_names_whole_words_any_case_with_possessives(text, expected):
    assert scrub_text(text, names=NAMES, language="sv") == expected


def test_names_written_with_combining_letters_are_found():
    decomposed = "A\u030asa hj\u00e4lpte"  # Å as A + combining ring
    assert scrub_text(decomposed, names=["Åsa"], language="sv") == "[namn] hjälpte"


def test_an_email_holding_a_listed_name_becomes_one_email_placeholder():
    assert scrub_text("maila sara.berg@bil.se", names=["Sara"], language="sv") == "maila [e-post]"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_bracketed_in_every_language(language):
    words = placeholders(language)
    assert set(words) == {"email", "phone", "id_number", "name"}
    assert all(w.startswith("[") and w.endswith("]") for w in words.values())
    assert scrub_text("Ring 070-123 45 67", language=language) == f"Ring {words['phone']}"


def test_without_names_no_word_is_touched():
    assert scrub_text("Mikael var bra", language="sv") == "Mikael var bra"


def _side(comments, side="customer"):
    from mirrorgap.read.recode import CleanSide
    frame = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(comments))],
                          "unit": ["A"] * len(comments), "Kommentar": comments, "Annat": comments})
    return CleanSide(side=side, frame=frame, items=[], scales={}, segments=[], ledger=None)


def test_scrub_comments_returns_a_new_side_and_leaves_the_input_alone():
    raw = _side(["Ring Sara på 070-123 45 67", np.nan, None, "Bra service", 701234567, "  "])
    before = raw.frame.copy()
    out = scrub_comments(raw, ["Kommentar"], names=["Sara"], language="sv")
    pd.testing.assert_frame_equal(raw.frame, before)
    assert out is not raw and out.frame is not raw.frame
    col = out.frame["Kommentar"].tolist()
    assert col[0] == "Ring [namn] på [telefon]"
    assert pd.isna(col[1]) and pd.isna(col[2])
    assert col[3] == "Bra service" and col[5] == "  "
    # Excel made the lone phone number a number and dropped its leading zero: still removed
    assert col[4] == "[telefon]"
    # columns not named as comment columns are not touched
    assert out.frame["Annat"].tolist()[0] == "Ring Sara på 070-123 45 67"


def test_a_misspelt_comment_column_is_an_error_not_a_silent_pass():
    with pytest.raises(KeyError, match="Kommentarer"):
        scrub_comments(_side(["x"]), ["Kommentarer"], names=[])


# -------------------------------------------------------------------------------------------------
# the demo

DEMO_SECRETS = ["anna.svensson@example.se", "070-123 45 67", "073-987 65 43", "19850412-1234"]
DEMO_NAMES = ["Mikael", "Sara", "Jonas", "Maria"]


@pytest.fixture(scope="module")
def demo():
    engagement = load_engagement("params/demo.yaml")
    # read and recode without the scrubbing that load_side does, to see the planted data first
    raw = {s: clean_side(read_survey(engagement.side(s).input, side=s), engagement, s) for s in ("customer", "employee")}
    return engagement, raw, {s: scrub_side(raw[s], engagement) for s in raw}


def _comment_text(clean, engagement) -> str:
    cols = engagement.side(clean.side).comment_columns
    return "\n".join(clean.frame[c].dropna().astype(str).str.cat(sep="\n") for c in cols)


def test_demo_has_the_planted_personal_data_before_scrubbing(demo):
    engagement, raw, _ = demo
    text = _comment_text(raw["customer"], engagement) + _comment_text(raw["employee"], engagement)
    for secret in ["anna.svensson@example.se", "070-123 45 67", "19850412-1234", *DEMO_NAMES]:
        assert secret in text


def test_no_personal_data_remains_in_the_demo_comments(demo):
    engagement, _, scrubbed = demo
    for side, clean in scrubbed.items():
        text = _comment_text(clean, engagement)
        for secret in DEMO_SECRETS:
            assert secret not in text, (side, secret)
        for name in DEMO_NAMES:
            assert not re.search(rf"(?<!\w){name}", text, re.IGNORECASE), (side, name)
        assert not re.search(r"\d{3}[- ]?\d{2} ?\d{2}|\d{6}-\d{4}", text), side


def test_demo_scrubbing_keeps_every_row_and_the_other_columns(demo):
    engagement, raw, scrubbed = demo
    for side in raw:
        cols = engagement.side(side).comment_columns
        pd.testing.assert_frame_equal(raw[side].frame.drop(columns=cols), scrubbed[side].frame.drop(columns=cols))
        assert (raw[side].frame[cols].isna() == scrubbed[side].frame[cols].isna()).all().all()
        # comments without personal data are byte-identical
        c = cols[0]
        untouched = ~raw[side].frame[c].astype(str).str.contains(r"@|\d{6}|\d{3}[- ]\d|" + "|".join(DEMO_NAMES))
        kept = raw[side].frame.loc[untouched & raw[side].frame[c].notna(), c]
        assert (scrubbed[side].frame.loc[kept.index, c] == kept).all()


def test_scrub_side_uses_the_engagement_language(demo):
    engagement, raw, _ = demo
    en = scrub_side(raw["customer"], engagement.model_copy(update={"language": "en"}))
    assert en.frame["Kommentar"].astype(str).str.contains(r"\[phone\]", regex=True).any()
    assert not en.frame["Kommentar"].astype(str).str.contains(r"\[telefon\]", regex=True).any()
