"""The fast reader of language files gives exactly what ruamel's safe loader gives, errors included."""
import pytest
from ruamel.yaml import YAML

from mirrorgap.config.paths import TEMPLATES_DIR
from mirrorgap.config.text_yaml import load_texts

LANGUAGE_FILES = sorted((TEMPLATES_DIR / "lang").glob("*.yaml"))


def _ruamel(text):
    return YAML(typ="safe").load(text)


def _same(a, b):
    """Equal and of the same types all the way down (True == 1 would hide a bool read as a number)."""
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return type(b) is list and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def test_there_are_language_files():
    assert len(LANGUAGE_FILES) >= 4


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.name)
def test_every_language_file_reads_as_ruamel_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert _same(load_texts(text), _ruamel(text))


@pytest.mark.parametrize("text", [
    "a:\n  b: Hej\n  c: 'citerad: text'\n  d: \"rad\\nny\"\n  e: >\n    vikt\n    text\n",
    "a: yes\nb: no\nc: on\nd: 'true'\n",  # YAML 1.1 booleans are text in 1.2 (ruamel's version)
    "a: 0o17\nb: 1e3\nc: 017\nd: 1_000\n",  # numbers that YAML 1.1 and 1.2 read differently
    "a: true\nb: 12\nc: 1.5\nd: null\ne:\nf: ~\n",  # not text: ruamel's types
    "a: 2026-12-07\n",  # a date
    "a: [x, y]\nb: {c: d}\n",  # a list
    "base: &b {x: en}\nother:\n  <<: *b\n  y: to\n",  # a merge key
    "a: &t text\nb: *t\n",  # an alias of text
    "%YAML 1.1\n---\na: yes\n",  # a directive asking for YAML 1.1's types
    "", "# only a comment\n",  # empty
    "- a\n- b\n",  # not a mapping
    "1: a\n",  # a number as a key
])
def test_anything_else_is_read_as_ruamel_reads_it(text):
    assert _same(load_texts(text), _ruamel(text))


@pytest.mark.parametrize("text", [
    "a: x\na: y\n",  # a key twice
    "a: [x\n",  # broken
    "a: x\n---\nb: y\n",  # two documents
])
def test_errors_are_ruamels(text):
    with pytest.raises(Exception) as expected:
        _ruamel(text)
    with pytest.raises(type(expected.value)):
        load_texts(text)


def test_language_files_are_read_without_ruamel(monkeypatch):
    """The speed is the point: plain text files never reach ruamel's pure-Python parser."""
    import mirrorgap.config.text_yaml as text_yaml

    def refuse(*args, **kwargs):
        raise AssertionError("ruamel asked")

    monkeypatch.setattr(text_yaml, "YAML", refuse)
    for path in LANGUAGE_FILES:
        assert load_texts(path.read_text(encoding="utf-8"))
