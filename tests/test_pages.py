"""Golden pages: what a careful human reader wants from each page in tests/pages/<slug>/.

Each folder holds ``source.html`` (the page), ``expected.txt`` (the article text) and
``expected.json`` (metadata and block expectations). Conventions the files follow:

* ``Article.text`` holds the body only: the headline is ``title``, the byline and date are
  metadata, and a figure's caption belongs to its figure block, never to the body text.
* Text is compared line by line after collapsing whitespace inside each line and dropping
  empty lines, so paragraph spacing and code indentation are left to the block checks.
* A line ``[table]`` in expected.txt stands for however the renderer lays a table out: any
  run of lines whose text holds the cells of the next expected table block, in order.
* In expected.json a key that is absent is not checked; ``null`` means "must be None".
  ``blocks`` are matched in order against the blocks flattened depth-first (a list, then its
  items and their nested lists); ``block_counts`` count blocks of a type in that flattening.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PAGES_DIR = Path(__file__).parent / "pages"
TABLE_MARK = "[table]"
_SQUASHED_FIELDS = ("text", "caption", "alt")


def _page_dirs() -> list[Path]:
    return sorted(p for p in PAGES_DIR.iterdir() if (p / "source.html").is_file())


def _load(page: Path) -> tuple[bytes, str, dict[str, Any]]:
    source = (page / "source.html").read_bytes()
    text = (page / "expected.txt").read_text(encoding="utf-8")
    expected = json.loads((page / "expected.json").read_text(encoding="utf-8"))
    return source, text, expected


def _squash(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    return [line for line in map(_squash, text.splitlines()) if line]


def _cells_in_order(run: list[str], rows: list[list[str]]) -> bool:
    haystack, pos = " ".join(run), 0
    for cell in (_squash(c) for row in rows for c in row):
        found = haystack.find(cell, pos)
        if found < 0:
            return False
        pos = found + len(cell)
    return True


def _fold_tables(actual: list[str], expected: list[str], tables: list[list[list[str]]]
                 ) -> list[str]:
    """Replace each table's run of actual lines by TABLE_MARK when it holds the cells."""
    out: list[str] = []
    i = 0
    table_rows = iter(tables)
    for k, line in enumerate(expected):
        if line != TABLE_MARK:
            if i >= len(actual) or actual[i] != line:
                break  # diverged: the diff shows the rest as it is
            out.append(line)
            i += 1
            continue
        following = next((e for e in expected[k + 1:] if e != TABLE_MARK), None)
        end = len(actual) if following is None else _index(actual, following, i)
        rows = next(table_rows, [])
        if end is None or end == i or not _cells_in_order(actual[i:end], rows):
            break
        out.append(TABLE_MARK)
        i = end
    return out + actual[i:]


def _index(lines: list[str], line: str, start: int) -> int | None:
    try:
        return lines.index(line, start)
    except ValueError:
        return None


def _check_text(article: Any, expected_text: str, spec: dict[str, Any]) -> list[str]:
    want = _lines(expected_text)
    tables = [b.get("rows", []) for b in spec.get("blocks", []) if b["type"] == "table"]
    got = _fold_tables(_lines(article.text), want, tables)
    if got == want:
        return []
    diff = difflib.unified_diff(want, got, "expected.txt", "article.text", lineterm="")
    return ["text differs:\n" + "\n".join(diff)]


def _check_metadata(article: Any, spec: dict[str, Any]) -> list[str]:
    problems = []
    for name in ("title", "byline", "lang", "dir", "site_name"):
        if name in spec:
            got, want = getattr(article, name), spec[name]
            if (_squash(got) if isinstance(got, str) else got) != want:
                problems.append(f"{name}: expected {want!r}, got {got!r}")
    if "published" in spec:
        got, want = article.published, spec["published"]
        ok = got is None if want is None else (got or "").startswith(want)
        if not ok:
            problems.append(f"published: expected {want!r}…, got {got!r}")
    return problems


def _check_snippets(article: Any, spec: dict[str, Any]) -> list[str]:
    text = _squash(article.text)
    missing = [s for s in spec.get("must_contain", []) if _squash(s) not in text]
    leaked = [s for s in spec.get("must_not_contain", []) if _squash(s) in text]
    return ([f"missing from text: {s!r}" for s in missing]
            + [f"boilerplate in text: {s!r}" for s in leaked])


def _flatten(blocks: tuple[Any, ...]) -> Iterator[Any]:
    for block in blocks:
        yield block
        yield from _flatten(block.children)


def _field_matches(block: Any, key: str, want: Any) -> bool:
    if key == "items":
        items = [_squash(c.text) for c in block.children if c.type == "item"]
        # an item's text may or may not carry its nested lists, so compare the start only
        return len(items) == len(want) and all(
            got.startswith(_squash(w)) for got, w in zip(items, want, strict=True))
    if key == "contains":
        return all(_squash(s) in _squash(block.text) for s in want)
    if key == "rows":
        return [[_squash(c) for c in row] for row in block.rows] == want
    if key == "text" and block.type == "code":
        return block.text.strip("\n") == want  # indentation and blank lines must survive
    if key in _SQUASHED_FIELDS:
        return _squash(getattr(block, key) or "") == _squash(want)
    return getattr(block, key) == want


def _describe(block: Any) -> str:
    data = block.to_dict()
    for name in ("html", "markdown", "children"):
        data.pop(name, None)
    return json.dumps(data, ensure_ascii=False)[:300]


def _check_blocks(article: Any, spec: dict[str, Any]) -> list[str]:
    flat = list(_flatten(article.blocks))
    problems, pos = [], 0
    for want in spec.get("blocks", []):
        hit = next((i for i in range(pos, len(flat)) if flat[i].type == want["type"]
                    and all(_field_matches(flat[i], k, v) for k, v in want.items())), None)
        if hit is None:
            seen = "\n    ".join(_describe(b) for b in flat if b.type == want["type"]) or "none"
            problems.append(f"no block matches (in order) {json.dumps(want, ensure_ascii=False)}"
                            f"\n  {want['type']} blocks seen:\n    {seen}")
            continue
        pos = hit + 1
    for kind, count in spec.get("block_counts", {}).items():
        got = sum(1 for b in flat if b.type == kind)
        if got != count:
            problems.append(f"expected {count} {kind} block(s), got {got}")
    return problems


def _check_confidence(article: Any, spec: dict[str, Any]) -> list[str]:
    low, high = spec.get("min_confidence", 0.0), spec.get("max_confidence", 1.0)
    if low <= article.confidence <= high:
        return []
    return [f"confidence {article.confidence:.3f} outside [{low}, {high}]"]


@pytest.mark.parametrize("page", _page_dirs(), ids=lambda p: p.name)
def test_page(page: Path) -> None:
    # Imported here so a broken import fails each page instead of the whole collection.
    import plainpage

    source, expected_text, spec = _load(page)
    article = plainpage.extract(source, url=spec["url"])
    problems = (_check_text(article, expected_text, spec)
                + _check_metadata(article, spec)
                + _check_snippets(article, spec)
                + _check_blocks(article, spec)
                + _check_confidence(article, spec))
    assert not problems, f"{page.name}:\n" + "\n".join(problems)


def test_golden_files_are_well_formed() -> None:
    """The fixtures themselves: JSON loads, the page parses, table marks have a table spec."""
    from selectolax.lexbor import LexborHTMLParser

    pages = _page_dirs()
    assert len(pages) >= 13
    for page in pages:
        source, expected_text, spec = _load(page)
        tree = LexborHTMLParser(source.decode("utf-8"))
        assert tree.body is not None, page.name
        assert spec["url"].startswith("https://"), page.name
        marks = _lines(expected_text).count(TABLE_MARK)
        tables = sum(1 for b in spec.get("blocks", []) if b["type"] == "table")
        assert marks <= tables, f"{page.name}: [table] line without a table block spec"
        cells = [c for b in spec.get("blocks", []) for row in b.get("rows", []) for c in row]
        reference = _squash(" ".join([expected_text, *cells]))
        for snippet in spec.get("must_not_contain", []):
            assert _squash(snippet) not in reference, (page.name, snippet)
        for snippet in spec.get("must_contain", []):
            assert _squash(snippet) in reference, (page.name, snippet)
