"""Reading a language file of texts (nested mappings of text) quickly, with ruamel's result.

ruamel.yaml here has no C extension: its pure-Python parser took about 0.2 s per language, a third of a
gap table's time on a million answers. libyaml's C parser (PyYAML's `CParser`) builds the same nodes
about ten times faster; each plain scalar is typed by ruamel's own YAML 1.2 rules (`true`, `12`, `null`
are not text, `yes` and `no` are), so a file is taken from libyaml only when all of it is mappings of
text keys, each key once, with text values. Anything else (a number, a list, a merge key, a repeated key,
a file that libyaml rejects) is read by ruamel, so its value or its error is ruamel's own.
"""
from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.resolver import implicit_resolvers

try:
    import yaml
    from yaml.cyaml import CParser as _C_PARSER
    from yaml.nodes import MappingNode, ScalarNode
    from yaml.resolver import BaseResolver
except ImportError:  # no PyYAML or no libyaml: ruamel reads everything
    _C_PARSER = None

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


if _C_PARSER is not None:
    class _Resolver(BaseResolver):
        """PyYAML's resolver with ruamel's YAML 1.2 implicit types (ruamel's default version)."""

        yaml_implicit_resolvers: dict = {}

    for _versions, _tag, _regexp, _first in implicit_resolvers:
        if (1, 2) in _versions:
            _Resolver.add_implicit_resolver(_tag, _regexp, _first)

    class _Composer(_C_PARSER, _Resolver):
        """libyaml's parser and composer, its scalars typed as ruamel types them."""

        def __init__(self, stream: str):
            _C_PARSER.__init__(self, stream)
            _Resolver.__init__(self)


def _texts_of(node) -> dict | None:
    """A mapping node as a dict of text (nested); None when it holds anything else (ruamel reads it then)."""
    if not isinstance(node, MappingNode) or node.tag != _MAP:
        return None
    out: dict = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.tag != _STR or key.value in out:
            return None
        if isinstance(value, ScalarNode):
            if value.tag != _STR:
                return None
            out[key.value] = value.value
        else:
            inner = _texts_of(value)
            if inner is None:
                return None
            out[key.value] = inner
    return out


def load_texts(text: str):
    """The YAML document in `text` as `YAML(typ="safe").load(text)` gives it (None when empty)."""
    # a %YAML directive may ask for YAML 1.1's types, which ruamel then follows
    if _C_PARSER is not None and not text.startswith("%") and "\n%" not in text:
        composer = _Composer(text)
        try:
            node = composer.get_single_node()
            if node is None:
                return None
            texts = _texts_of(node)
            if texts is not None:
                return texts
        except yaml.YAMLError:
            pass
        finally:
            composer.dispose()
    return YAML(typ="safe").load(text)
