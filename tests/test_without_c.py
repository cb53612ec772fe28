"""The C modules change how fast plainpage answers, never what: the whole pipeline run in a
process where they cannot be imported gives the same Article for every golden page (and for
pages that take the C modules' other turns: svg icons, scripts, curly quotes, Cyrillic)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import plainpage

PAGES = Path(__file__).parent / "pages"
EXTRA = [
    "<html><body><nav><svg viewBox='0 0 9 9'><path d='M1'/></svg><a href=/>Home</a></nav>"
    "<article><h1>Title</h1><p>“Quoted” prose — with dashes, enough words to be a paragraph "
    "of the article.</p><script>var a = '<b>';</script><p>Поддержите нас: подпишитесь на "
    "рассылку сегодня.</p><div class=box><p>We have a small favor to ask. Please support "
    "our journalism.</p><button>Donate now</button></div></article></body></html>",
]
# Run in the child: block the C modules, then extract each page given on stdin.
CHILD = """
import json, sys
sys.modules["plainpage.extract._strings"] = None
sys.modules["plainpage.extract.prescan._stops"] = None
sys.modules["plainpage.extract._walks"] = None
import plainpage
from plainpage.extract import cwalks, strings, units
from plainpage.extract.prescan import screen
assert not strings.IN_C and screen._in_c is None and cwalks.WALKS is None
assert not units.IN_C
print(json.dumps([plainpage.extract(html, "https://example.org/a").to_dict()
                  for html in json.load(sys.stdin)]))
"""


def test_the_pipeline_answers_the_same_without_the_c_modules() -> None:
    pages = [(page / "source.html").read_text(encoding="utf-8")
             for page in sorted(PAGES.iterdir())] + EXTRA
    child = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(pages),
                           capture_output=True, text=True, check=True, timeout=300)
    without = json.loads(child.stdout)
    here = [json.loads(json.dumps(plainpage.extract(html, "https://example.org/a").to_dict()))
            for html in pages]
    assert len(without) == len(pages)
    for page, (a, b) in enumerate(zip(here, without, strict=True)):
        assert a == b, page
