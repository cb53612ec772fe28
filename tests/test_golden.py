"""Golden fidelity cases: one small hand-written page per thing a reader must keep intact.

Each folder in tests/golden/ holds ``source.html`` and ``case.json`` (the page's URL and
what the case is about) and the whole expected output, written by hand:

* ``expected.txt``: ``Article.text`` exactly (the file's final newline is not part of it);
* ``expected.md``: ``Article.markdown`` exactly (likewise);
* ``expected.blocks.json``: ``Article.blocks`` as ``Block.to_dict()`` gives them, without
  the ``html`` and ``markdown`` of each block (the Markdown is checked whole above);
* optionally ``html_contains``/``html_lacks`` in case.json: fragments ``Article.html``
  must hold or must not hold (the sanitised HTML is long to write out by hand).

Unlike tests/pages/ (whole pages, boilerplate around the article, partial expectations),
these pages are small and every character of the output is pinned down.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN_DIR.iterdir() if (p / "source.html").is_file())


def _read(case: Path, name: str) -> str:
    text = (case / name).read_text(encoding="utf-8")
    return text[:-1] if text.endswith("\n") else text


def _without_renderings(block: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in block.items() if k not in ("html", "markdown")}
    if "children" in data:
        data["children"] = [_without_renderings(child) for child in data["children"]]
    return data


def _diff(want: str, got: str, name: str) -> str:
    lines = difflib.unified_diff(want.splitlines(), got.splitlines(), name, "actual",
                                 lineterm="")
    return "\n".join(lines)


@pytest.fixture(scope="module", params=CASES, ids=lambda p: p.name)
def golden(request: pytest.FixtureRequest) -> tuple[Path, Any]:
    import plainpage

    case: Path = request.param
    spec = json.loads(_read(case, "case.json"))
    return case, plainpage.extract((case / "source.html").read_bytes(), url=spec["url"])


def test_text(golden: tuple[Path, Any]) -> None:
    case, article = golden
    want = _read(case, "expected.txt")
    assert article.text == want, _diff(want, article.text, "expected.txt")


def test_markdown(golden: tuple[Path, Any]) -> None:
    case, article = golden
    want = _read(case, "expected.md")
    assert article.markdown == want, _diff(want, article.markdown, "expected.md")


def test_blocks(golden: tuple[Path, Any]) -> None:
    case, article = golden
    want = json.loads(_read(case, "expected.blocks.json"))
    got = [_without_renderings(block.to_dict()) for block in article.blocks]
    assert got == want, _diff(json.dumps(want, indent=1, ensure_ascii=False),
                              json.dumps(got, indent=1, ensure_ascii=False),
                              "expected.blocks.json")


def test_html(golden: tuple[Path, Any]) -> None:
    case, article = golden
    spec = json.loads(_read(case, "case.json"))
    missing = [s for s in spec.get("html_contains", []) if s not in article.html]
    present = [s for s in spec.get("html_lacks", []) if s in article.html]
    assert not missing and not present, (missing, present, article.html)


def test_every_case_is_complete() -> None:
    """Each fixture has all its files, a URL and a description; the set covers the cases
    issue 6 lists."""
    names = {case.name for case in CASES}
    assert {"lazy-images", "figure-captions", "tables", "code", "nested-lists", "blockquotes",
            "headings", "links-base", "links-page-url", "footnotes"} <= names
    for case in CASES:
        spec = json.loads(_read(case, "case.json"))
        assert spec["url"].startswith("https://") and spec["about"], case.name
        for name in ("expected.txt", "expected.md", "expected.blocks.json"):
            assert (case / name).is_file(), (case.name, name)
