"""``plainpage rules new``: a fixture and a rule skeleton whose test fails until it is edited.

The skeleton's ``[[test]]`` holds placeholder phrases starting with ``TODO``; the test runner
and ``rules check`` fail every such phrase, so an unedited skeleton can never pass CI.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from .fmt import dumps
from .hosts import covered, host_problem, url_host
from .schema import PLACEHOLDER

__all__ = ["fixture_name", "new_rule", "rule_host"]

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_HEADER = """\
# Site rule for {host}: see rules/README.md for every key.
# Written by `plainpage rules new`. The test below FAILS until you replace both {todo}
# phrases: `contains` with a sentence of the article, `absent` with a phrase of the junk
# that should go. Then add [[strip]] / [[strip_text]] entries until
#   plainpage rules test {host}
# passes, and run `plainpage rules fmt` before you commit."""


def rule_host(value: str) -> str:
    """The host a rule file is named after: from a host or a URL, lower-cased, no ``www.``.

    ``www.`` is dropped because a rule for ``example.com`` always matches ``www.example.com``.
    Raises ValueError when ``value`` holds no usable host.
    """
    host = url_host(value) or ""
    host = host.removeprefix("www.")
    problem = host_problem(host, wildcard=False) if host else f"{value!r} holds no host"
    if problem:
        raise ValueError(problem)
    return host


def new_rule(host: str, fixture_html_path: str | Path, rules_dir: str | Path, *,
             url: str | None = None) -> tuple[Path, Path]:
    """Copy the page to ``rules/fixtures/<host>/`` and write ``rules/<host>.toml``.

    Returns (rule file, fixture file). Raises ValueError for a bad host or when the rule
    or the fixture already exists (nothing is overwritten), OSError when the page cannot be
    read or the files cannot be written.
    """
    if url is None and host.startswith(("http://", "https://")):
        url = host  # given a page address: it becomes the test's url
    host = rule_host(host)
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError(f"{url!r} is not an absolute http(s) address")
    if url is not None and not covered(frozenset({host}), url_host(url) or ""):
        raise ValueError(f"the host of {url!r} is not {host} or one of its www. forms")
    rules = Path(rules_dir)
    rule_path = rules / f"{host}.toml"
    if rule_path.exists():
        raise ValueError(f"{rule_path} already exists: edit it instead")
    page = Path(fixture_html_path).read_bytes()
    fixture = rules / "fixtures" / host / fixture_name(Path(fixture_html_path))
    if fixture.exists():
        raise ValueError(f"{fixture} already exists: pick another file name")
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_bytes(page)
    text = _HEADER.format(host=host, todo=PLACEHOLDER) + "\n\n" + dumps(
        _skeleton(host, fixture.name, page, url))
    try:
        with rule_path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError:
        fixture.unlink(missing_ok=True)  # leave nothing half-made behind
        raise
    return rule_path, fixture


def fixture_name(source: Path) -> str:
    """The fixture's file name for a saved page: its stem, lower-cased, safe characters only
    (the extension's rule writer names downloads the same way)."""
    stem = _UNSAFE.sub("-", source.stem.lower()).strip("-._") or "page"
    return f"{stem}.html"


def _skeleton(host: str, fixture: str, page: bytes, url: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"host": host}
    body = _guess_body(page)
    if body:
        data["body"] = [body]
    test: dict[str, Any] = {"fixture": fixture}
    if url:
        test["url"] = url
    test["contains"] = [f"{PLACEHOLDER}: replace with a sentence of the article"]
    test["absent"] = [f"{PLACEHOLDER}: replace with a phrase of the junk to remove"]
    data["test"] = [test]
    return data


def _guess_body(page: bytes) -> str | None:
    """A first guess at the content root, for the contributor to refine."""
    tree = LexborHTMLParser(page)
    return next((tag for tag in ("article", "main") if tree.css_first(tag) is not None), None)
