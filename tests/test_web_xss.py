"""The XSS catalogue of the security notes (§6 C) sent through the API: whatever a page holds,
the html the service returns (whole, per block, and as the text/html rendering) carries no
script, no handler, no dangerous element or attribute and no non-http(s) URL; Markdown and
metadata carry payloads only as inert text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from selectolax.lexbor import LexborHTMLParser

from tests.web_support import AUTH, make_app

PAGE_URL = "https://news.test/a"
LEAD = ("<p>The lead paragraph has enough words in it to be taken for the article text by "
        "the extractor, and so does the second one.</p><p>A second paragraph, long enough "
        "to be content as well, follows the first one here.</p>")

PAYLOADS = {
    "C1 script": "<script>alert(1)</script>",
    "C2 img onerror": "<img src=x onerror=alert(1)>",
    "C3 javascript links": '<a href="javascript:alert(1)">a</a> <a href="JaVaScRiPt&colon;'
    'alert(1)">b</a> <a href="java&#x09;script:alert(1)">c</a> '
    '<a href=" &#14;javascript:alert(1)">d</a>',
    "C4 u2028 javascript": '<a href="\u2028javascript:alert(1)">x</a>',
    "C5 data and vbscript": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg'
    '==">x</a> <a href="vbscript:msgbox(1)">y</a>',
    "C6 svg": "<svg onload=alert(1)></svg><svg><script>alert(1)</script></svg>",
    "C7 svg set": '<svg><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text>'
    "</a></svg>",
    "C8 mathml mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "C9 iframes": '<iframe srcdoc="<script>alert(1)</script>"></iframe>'
    '<iframe src="javascript:alert(1)"></iframe>',
    "C10 object embed": '<object data="javascript:alert(1)"></object>'
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "C11 form": '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">'
    "b</button></form>",
    "C12 style attributes": '<div style="background:url(javascript:alert(1))">s</div>'
    '<div style="width:expression(alert(1))">t</div>',
    "C13 style and link": '<style>@import "http://evil.test/x.css";</style>'
    '<link rel=stylesheet href="http://evil.test/x.css">',
    "C14 meta and base": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'
    '<base href="http://evil.test/">',
    "C15 noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "C16 clobbering": "<img src=x name=cookie id=__proto__>",
    "C17 more handlers": "<details open ontoggle=alert(1)><summary>s</summary></details>"
    "<video><source onerror=alert(1)></video><template><img src=x onerror=alert(1)></template>",
    "C18 comment": "<!--<img src=x onerror=alert(1)>-->",
    "escaped text": "<p>Text: &lt;img src=x onerror=alert(1)&gt; and [x](javascript:alert(1))"
    "</p>",
}

FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "button", "base",
                  "meta", "link", "svg", "math", "template", "noscript", "frame", "frameset",
                  "input", "textarea", "select", "video", "audio", "source", "details"}
FORBIDDEN_ATTRS = {"style", "srcset", "id", "name", "formaction", "action", "srcdoc"}
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "cite", "background"}
SAFE_URL = re.compile(r"(https?|mailto):", re.IGNORECASE)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return make_app(tmp_path_factory.mktemp("xss")).test_client()


def extract(client: FlaskClient, payload: str, head: str = "") -> dict[str, Any]:
    page = (f"<html><head>{head}</head><body><article>{LEAD}{payload}</article>"
            "</body></html>")
    response = client.post("/v1/extract", json={"html": page, "url": PAGE_URL}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def absolute_safe_url(value: str | None) -> bool:
    """An http(s) or mailto URL (the service resolves every URL against the page's)."""
    return bool(SAFE_URL.match((value or "").strip()))


def assert_safe_html(fragment: str,
                     url_ok: Callable[[str | None], bool] = absolute_safe_url) -> None:
    """No forbidden element, no handler or dangerous attribute, and every URL ``url_ok``
    (by default: only http(s)/mailto)."""
    assert "<!--" not in fragment
    tree = LexborHTMLParser(f"<body>{fragment}</body>")
    for node in tree.body.traverse():  # type: ignore[union-attr]
        if node.tag in ("-text", "body"):
            continue
        assert node.tag not in FORBIDDEN_TAGS, node.html
        for name, value in node.attributes.items():
            lowered = name.lower()
            assert not lowered.startswith("on") and lowered not in FORBIDDEN_ATTRS, node.html
            assert lowered not in URL_ATTRS or url_ok(value), node.html


def _blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [part for block in blocks for part in (block, *_blocks(block.get("children", [])))]


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payloads_come_out_sanitised(client: FlaskClient, payload: str) -> None:
    article = extract(client, payload)
    assert "The lead paragraph" in article["text"]  # the page was extracted, not dropped
    assert_safe_html(article["html"])
    for block in _blocks(article["blocks"]):
        assert_safe_html(block["html"])
        assert block.get("src") is None or SAFE_URL.match(block["src"])
    rendering = client.post("/v1/extract", json={"html": f"<article>{LEAD}{payload}</article>",
                                                 "url": PAGE_URL},
                            query_string={"format": "html"}, headers=AUTH)
    assert_safe_html(rendering.get_data(as_text=True))
    # Markdown is text: no raw HTML tag, no link to a script URL.
    markdown = article["markdown"]
    assert not re.search(r"(?<!\\)<[a-zA-Z/!]", markdown), markdown
    assert not re.search(r"(?<!\\)\]\(\s*(javascript|vbscript|data):", markdown, re.I)


def test_the_benign_control_keeps_its_markup(client: FlaskClient) -> None:
    # C20: a sanitiser that deletes everything would pass every test above.
    article = extract(client, '<p>ok <b>bold</b> <a href="https://example.com/">link</a></p>')
    assert "<b>bold</b>" in article["html"]
    assert 'href="https://example.com/"' in article["html"]
    assert "[link](https://example.com/)" in article["markdown"]


def test_relative_urls_are_resolved_against_the_page(client: FlaskClient) -> None:
    article = extract(client, "<p>See <a href='/other'>the other story</a>.</p>")
    assert 'href="https://news.test/other"' in article["html"]


def test_metadata_is_plain_text_and_script_urls_are_dropped(client: FlaskClient) -> None:
    # C19: markup in <title> is text; a javascript: og:image is no image at all.
    head = ("<title><script>alert(1)</script>Headline</title>"
            '<meta property="og:image" content="javascript:alert(1)">')
    article = extract(client, "", head=head)
    assert article["image"] is None
    assert article["title"] == "<script>alert(1)</script>Headline"  # a JSON string, inert
    assert "alert(1)" not in article["html"]
    linked = extract(client, "", head='<link rel="canonical" href="javascript:alert(1)">')
    assert linked["canonical_url"] is None
