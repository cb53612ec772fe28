"""The article pages the browser tests open (served from ``localhost`` by a local server).

All text is made up for these tests. HOSTILE carries the script payloads of the security
notes (§6 C) both as markup and as escaped text, so the text fields the API returns contain
live-looking markup: a reader that put any server string into innerHTML would run them.
"""

from __future__ import annotations

from pathlib import Path

FIRST = ("The river rose overnight, and by morning the old stone bridge stood in brown water up "
         "to its second arch. Farmers on both banks moved their animals to the higher fields.")
SECOND = ("By noon the water began to fall. The road to the market town stays closed until the "
          "engineers have inspected the bridge, which may take the rest of the week.")
LAST = ("Engineers from the county will inspect the arches on Thursday and report to the "
        "council early next week, the mayor said.")
APPEAL = ("Millions turn to us for independent journalism. Please support us with a donation "
          "today. Donate now.")
APPEAL_HEADING = "We have a small favour to ask"
NEWSLETTER = "Get the morning briefing in your inbox every day"


def _page(title: str, body: str, head: str = "") -> str:
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{title}</title><meta name=author content='Ada Reporter'>"
            "<meta property='article:published_time' content='2024-05-02T08:00:00Z'>"
            f"<meta property='og:site_name' content='The Valley Gazette'>{head}</head><body>"
            "<nav><a href=/>Home</a> <a href=/news>News</a> <a href=/about>About</a></nav>"
            f"{body}<footer>© The Valley Gazette · Contact</footer></body></html>")


ARTICLE = _page("Flood closes the old bridge", f"""
<article><h1>Flood closes the old bridge</h1>
<p>{FIRST}</p>
<div class="support-box"><h3>{APPEAL_HEADING}</h3><p>{APPEAL}</p></div>
<h2>What comes next</h2>
<p>{SECOND.replace("market town", '<a href="/town">market town</a>')}</p>
<figure><img src="/img/bridge.png" alt="The bridge in the flood">
<figcaption>The bridge at noon, with the water at its second arch</figcaption></figure>
<ul><li>Animals moved to the higher fields overnight</li><li>The market road stays closed</li></ul>
<blockquote><p>It was the highest water in forty years, said the mayor of the town.</p></blockquote>
<pre><code class="language-python">print("water level: 3.2 m")</code></pre>
<table><tr><th>Day</th><th>Level</th></tr><tr><td>Monday</td><td>3.2 m</td></tr>
<tr><td>Tuesday</td><td>2.9 m</td></tr></table>
<div class="briefing-box"><p>{NEWSLETTER}.</p></div>
<p>{LAST}</p>
</article>
<script>window.__pageClicks = 0;
document.addEventListener("click", () => {{ window.__pageClicks += 1; }}, true);</script>
<aside class="related"><h3>Read more</h3><ul><li><a href=/a>Storm warning for the coast
</a></li><li><a href=/b>Harvest festival moved to June</a></li></ul></aside>""")

PAYWALLED = _page("Council budget in detail", f"""
<article><h1>Council budget in detail</h1><p>{FIRST}</p><p>{SECOND}</p></article>""",
                  head="""<link rel="next" href="/budget/2">
<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Council budget in detail", "isAccessibleForFree": false,
"hasPart": {"@type": "WebPageElement", "isAccessibleForFree": false,
"cssSelector": ".paid"}}</script>""")

NOT_ARTICLE = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Sections</title>"
               "</head><body><nav><a href=/a>News</a> <a href=/b>Sport</a> <a href=/c>Weather"
               "</a></nav></body></html>")

# Would set window.__pwned (or the title) if any of it ran in the reader.
RUN = "window.__pwned=1"
TEXT_PAYLOADS = (f"<img src=x onerror={RUN}>", f"<script>{RUN}</script>",
                 f"<svg onload={RUN}>", f'<a href="javascript:{RUN}">x</a>')
MARKUP_PAYLOADS = f"""
<p>Payload paragraph one <script>{RUN}</script> <img src=x onerror="{RUN}"> and
<a href="javascript:{RUN}">a javascript link</a> and <a href="JaVaScRiPt&colon;{RUN}">another</a>
and <a href="java&#x09;script:{RUN}">a third</a> end of the first payload paragraph.</p>
<p>Payload paragraph two <svg onload="{RUN}"><script>{RUN}</script></svg>
<svg><a><set attributeName="href" to="javascript:{RUN}"/><text>svg text</text></a></svg>
and more words to make this a paragraph of the article body for sure.</p>
<div><math><mtext><table><mglyph><style><img src=x onerror="{RUN}"></style></mglyph></table>
</mtext></math></div>
<p>Payload paragraph three <iframe srcdoc="<script>{RUN}</script>"></iframe>
<details open ontoggle="{RUN}">details</details> <a href="data:text/html,<script>{RUN}</script>">
data link</a> <noscript><p title="</noscript><img src=x onerror={RUN}>"></noscript> closing
words of the third payload paragraph here.</p>
"""


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


HOSTILE_TITLE = f"Hostile {TEXT_PAYLOADS[0]} page"
HOSTILE = ("<!doctype html><html lang=en><head><meta charset=utf-8>"
           f"<title>{_escaped(HOSTILE_TITLE)}</title>"
           f"<meta name=author content='{_escaped(TEXT_PAYLOADS[1])}'>"
           f"<meta property='og:site_name' content='{_escaped(TEXT_PAYLOADS[2])}'>"
           f"</head><body><article><h1>{_escaped(HOSTILE_TITLE)}</h1>"
           f"<p>{FIRST} {_escaped(TEXT_PAYLOADS[0])} {_escaped(TEXT_PAYLOADS[3])}</p>"
           f"{MARKUP_PAYLOADS}"
           f"<h2>{_escaped(TEXT_PAYLOADS[2])} heading</h2>"
           f"<pre><code>{_escaped(TEXT_PAYLOADS[1])}</code></pre>"
           f"<figure><img src=/img/bridge.png alt='{_escaped(TEXT_PAYLOADS[0])}'>"
           f"<figcaption>{_escaped(TEXT_PAYLOADS[0])} caption</figcaption></figure>"
           f"<table><tr><th>{_escaped(TEXT_PAYLOADS[1])}</th><th>b</th></tr>"
           f"<tr><td>{_escaped(TEXT_PAYLOADS[0])}</td><td>d</td></tr></table>"
           f"<div class=support-box><h3>{APPEAL_HEADING}</h3><p>{APPEAL} "
           f"{_escaped(TEXT_PAYLOADS[0])}</p></div>"
           f"<p>{SECOND}</p></article></body></html>")


def site(image: bytes) -> dict[str, tuple[int, str, bytes]]:
    """The page server's table: path → (status, content type, body)."""
    html = "text/html; charset=utf-8"
    pages = {"/flood": ARTICLE, "/budget": PAYWALLED, "/sections": NOT_ARTICLE,
             "/hostile": HOSTILE}
    table = {path: (200, html, text.encode("utf-8")) for path, text in pages.items()}
    table["/img/bridge.png"] = (200, "image/png", image)
    return table


def image_bytes(extension_dir: Path) -> bytes:
    """A small real PNG for figures: the extension's own icon."""
    return (extension_dir / "icons" / "icon-128.png").read_bytes()
