"""Site rules: declarative per-host fixes (content root, junk to strip, metadata selectors).

Rules are TOML data in the repository's ``rules/`` directory, validated against a schema at
load; they never fetch and never run code. ``load_dir`` reads a directory into a ``RuleSet``
(broken files are reported in ``RuleSet.problems`` and skipped), ``match`` picks the rule for
a URL, and ``plainpage.rules.apply`` holds the pure functions that apply a rule to a tree.
"""

from .load import RuleSet, load_dir, load_file, match
from .schema import (
    KINDS,
    Example,
    Origin,
    Rule,
    RuleTest,
    Selector,
    Strip,
    StripText,
    Transform,
)

__all__ = [
    "KINDS",
    "Example",
    "Origin",
    "Rule",
    "RuleSet",
    "RuleTest",
    "Selector",
    "Strip",
    "StripText",
    "Transform",
    "load_dir",
    "load_file",
    "match",
]
