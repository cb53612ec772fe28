"""The extractors compared, behind one signature: ``(html: str, url) -> Result``.

Every adapter gets the same decoded ``str`` (see ``textify.decode_page``) and does all the
work needed to produce text *and* metadata, because plainpage always does both: timing one
call of each adapter compares like with like.

* plainpage    ``plainpage.extract(html, url)``
* trafilatura  one ``bare_extraction(..., with_metadata=True)`` with default settings
               (favor_precision and favor_recall off, fallbacks on) except
               ``include_comments=False``, as the Zyte benchmark calls it and as the
               corpora README's reference figures were measured (comments are not the
               article); the text is built exactly as ``extract(output_format="txt")``
               builds it. ``include_comments=True`` (trafilatura's own default) on request.
* readability  ``Document(html)``: ``short_title()`` then ``summary()`` → text
* floor        ``LexborHTMLParser(html).body.text()``: the cost of parsing, nothing more
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from . import textify
from .textify import html_text

PEERS = ("plainpage", "trafilatura", "readability", "floor")
#: Peers whose outputs may be cached on disk: fixed third-party versions, slow to run.
CACHEABLE = frozenset({"trafilatura", "readability"})


def trafilatura_settings(include_comments: bool) -> str:
    """How trafilatura is called, for the report."""
    return ("bare_extraction(with_metadata=True) with defaults (favor_precision=False, "
            f"favor_recall=False, fast=False) but include_comments={include_comments}; "
            "text built as extract(output_format='txt') builds it")


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """A block an extractor reports having taken out (plainpage's ``Article.removed``)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Result:
    """What every adapter returns; fields an extractor does not provide stay None."""

    text: str = ""
    title: str | None = None
    byline: str | None = None
    lang: str | None = None
    dir: str | None = None
    date: str | None = None
    site_name: str | None = None
    excerpt: str | None = None
    removed: tuple[RemovedBlock, ...] = field(default=())
    #: The article as HTML, where the extractor gives one; the runner replaces it by
    #: ``elements`` once the call is timed, so neither the timing nor the cache holds it.
    html: str | None = None
    #: ``<img>``/``<table>``/``<pre>`` counts of that HTML (``textify.FIDELITY_TAGS``);
    #: a kind the extractor cannot output (trafilatura's images, as called) is left out.
    elements: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (for the cache)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in _FIELDS}
        data["removed"] = [[r.kind, r.text] for r in self.removed]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """Inverse of ``to_json``."""
        removed = tuple(RemovedBlock(kind, text) for kind, text in data.get("removed", ()))
        return cls(**{name: data.get(name) for name in _FIELDS}, removed=removed)


_FIELDS = ("text", "title", "byline", "lang", "dir", "date", "site_name", "excerpt",
           "elements")


def with_element_counts(result: Result) -> Result:
    """``result`` with its HTML turned into element counts (done after the timed call)."""
    if result.html is None:
        return result
    counts = textify.count_elements(result.html)
    return replace(result, html=None, elements={**counts, **(result.elements or {})})

Adapter = Callable[[str, str | None], Result]


def plainpage_adapter() -> Adapter:
    """plainpage.extract; an import failure is raised on every call, so it is counted
    as one error per page instead of stopping the run."""
    try:
        import plainpage
    except Exception as exc:  # noqa: BLE001 - the extractor is being written; report, go on
        failure = exc

        def broken(html: str, url: str | None) -> Result:
            raise failure

        return broken

    def run(html: str, url: str | None) -> Result:
        art = plainpage.extract(html, url)
        removed = tuple(RemovedBlock(str(r.kind), r.text or "") for r in art.removed)
        return Result(art.text or "", art.title, art.byline, art.lang, art.dir, art.published,
                      art.site_name, art.excerpt, removed, html=art.html)

    return run


def trafilatura_adapter(include_comments: bool = False) -> Adapter:
    """trafilatura; text and metadata from one extraction."""
    from trafilatura import bare_extraction
    from trafilatura.xml import xmltotxt

    def run(html: str, url: str | None) -> Result:
        doc = bare_extraction(html, url=url, with_metadata=True,
                              include_comments=include_comments)
        if doc is None:
            return Result()
        # Same string extract(output_format="txt") returns: body, comments, then NFC.
        text = xmltotxt(doc.body, False)
        if doc.commentsbody is not None:
            text = f"{text}\n{xmltotxt(doc.commentsbody, False)}".strip()
        # Its XML keeps tables as <table>; images are off as called, and <pre> becomes
        # <code> or <quote> by a guess, so only tables are comparable.
        tables = len(doc.body.findall(".//table")) if doc.body is not None else 0
        return Result(unicodedata.normalize("NFC", text), doc.title, doc.author,
                      doc.language, None, doc.date, doc.sitename, doc.description,
                      elements={"table": tables})

    return run


def readability_adapter() -> Adapter:
    """readability-lxml: the summary HTML as text with block line breaks."""
    from readability import Document

    def run(html: str, url: str | None) -> Result:
        doc = Document(html, url=url)
        title = doc.short_title()  # before summary(), which rewrites the parsed tree
        summary = doc.summary()
        return Result(html_text(summary), title or None, html=summary)

    return run


def floor_adapter() -> Adapter:
    """The floor: parse with Lexbor and take all body text."""

    def run(html: str, url: str | None) -> Result:
        body = LexborHTMLParser(html).body
        return Result(body.text() if body is not None else "")

    return run


_FACTORIES: MappingProxyType[str, Callable[[], Adapter]] = MappingProxyType({
    "plainpage": plainpage_adapter,
    "trafilatura": trafilatura_adapter,
    "readability": readability_adapter,
    "floor": floor_adapter,
})
_DISTRIBUTIONS = MappingProxyType({"plainpage": "plainpage", "trafilatura": "trafilatura",
                                   "readability": "readability-lxml", "floor": "selectolax"})


def make(name: str, trafilatura_comments: bool = False) -> Adapter:
    """The adapter called ``name`` (one of ``PEERS``)."""
    if name not in _FACTORIES:
        raise ValueError(f"unknown peer {name!r}; choose from {', '.join(PEERS)}")
    if name == "trafilatura":
        return trafilatura_adapter(trafilatura_comments)
    return _FACTORIES[name]()


def version(name: str) -> str:
    """Installed version of the package behind a peer ("?" when unknown)."""
    try:
        return importlib.metadata.version(_DISTRIBUTIONS[name])
    except importlib.metadata.PackageNotFoundError:
        return "?"


def fingerprint(name: str, variant: str = "") -> str:
    """Cache key part for a peer: its package version, settings variant and the source of
    its adapter (and of the HTML → text conversion), so editing an adapter or upgrading a
    package never serves stale outputs, while unrelated edits keep the cache."""
    parts = [inspect.getsource(_FACTORIES[name]), inspect.getsource(Result),
             textify.converter_source(), inspect.getsource(textify.count_elements),
             repr(textify.FIDELITY_TAGS)]
    digest = hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()[:10]
    return f"{name}-{version(name)}{variant}-{digest}"


def quiet_logs() -> None:
    """trafilatura and readability log a line for every discarded page; silence them."""
    for name in ("trafilatura", "readability", "readability.readability", "htmldate",
                 "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
