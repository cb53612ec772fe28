"""Options: every threshold and switch of the extractor, in one explicit frozen object.

Pass an ``Options`` to ``plainpage.extract``; nothing is read from the environment or from
module state. ``Options.describe()`` lists each field with its default and help text (the
README's options table is tested against it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = ["Options"]


def _opt(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Settings for one extraction. All fields are keyword-only with documented defaults."""

    # Pre-scan limits: checked in one linear pass before the parser sees the document,
    # because Lexbor's cost grows faster than linearly in depth and attribute count.
    max_input_bytes: int = _opt(
        32 * 1024 * 1024, "Largest document accepted, in bytes (after decoding).")
    max_depth: int = _opt(
        4000, "Deepest element nesting accepted by the pre-scan.")
    max_attributes: int = _opt(
        2000, "Most attributes accepted on a single tag.")
    max_tag_bytes: int = _opt(
        16 * 1024 * 1024, "Longest single tag (from '<' to '>') accepted, in bytes (long "
        "data: URLs are cheap to parse; the attribute count is what costs).")
    max_elements: int = _opt(
        600_000, "Most start tags accepted in one document.")

    # Output.
    include_images: bool = _opt(True, "Keep figures and images in blocks, HTML and Markdown.")
    include_tables: bool = _opt(True, "Keep tables in blocks, HTML and Markdown.")
    include_links: bool = _opt(True, "Keep links in HTML and Markdown (text never has them).")
    words_per_minute: int = _opt(230, "Reading speed used for reading_minutes.")

    # Extraction.
    fallback: bool = _opt(
        True, "Ask readability-lxml for a second opinion when our own confidence is low.")
    fallback_below: float = _opt(
        0.35, "Confidence under which the readability-lxml second opinion is consulted.")
    concentrated_share: float = _opt(
        0.55, "Share of the page's non-link text the chosen container must hold; below it "
        "the extractor widens to the ancestor that does (pages that spread their content).")
    article_share: float = _opt(
        0.2, "concentrated_share for pages that declare themselves an article (JSON-LD "
        "Article types, og:type=article): their article container rarely needs widening.")
    clean_boilerplate: bool = _opt(
        True, "Run the boilerplate classifier (appeals, newsletters, read-more, share …).")

    # Time.
    time_budget: float = _opt(
        0.0, "Wall-clock seconds one extraction may take; past it, it stops between two steps "
        "with OverBudget (a DocumentTooComplex). 0: no budget.")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Options:
        """Build Options from a mapping, refusing unknown keys and wrong types."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        for name, value in data.items():
            expected = type(known[name].default)
            if type(value) is not expected and not (expected is float and type(value) is int):
                raise ValueError(f"option {name!r} must be {expected.__name__}")
        return cls(**data)

    def replace(self, **changes: Any) -> Options:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) for every option, in declaration order."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]
