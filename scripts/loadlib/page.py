"""The news page scripts/load posts and serves: ~100 KB in the proportions of real ones."""

from __future__ import annotations

import random

MARKER = "harbour authority confirmed"  # in the article's first sentence: proof of extraction
_WORDS = ("the council said the new quay would open in spring after two years of work on the "
          "old harbour wall where fishing boats had moored since the last century while "
          "residents asked whether the traffic plan and the ferry timetable could change "
          "before the summer season brought visitors back to the narrow streets").split()


def _prose(rng: random.Random, sentences: int) -> str:
    return " ".join(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(9, 22)))
                    .capitalize() + "." for _ in range(sentences))


def article_page(size: int, canary: str = "") -> str:
    """A news page of about ``size`` bytes in the proportions of real ones: styles and
    scripts in the head, a mega-menu, a ~10 KB article with figures, related links,
    comments, a footer, and an inline JSON state blob (as Next.js pages carry) up to size.
    ``canary`` goes into the article's first paragraph (the posted copy only)."""
    rng = random.Random(4)
    icon = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 12h18M12 3v18"/></svg>'
    nav = "".join(f'<li class="menu-item menu-item--{i}"><a href="/section/{i}" '
                  f'data-track="nav-{i}">{icon}Section {i}</a></li>' for i in range(110))
    head = ("<style>" + "".join(f".c{i}{{margin:{i}px;color:#{i:03x}}}" for i in range(450))
            + '</style><script type="application/ld+json">{"@type":"NewsArticle"}</script>'
            "<script>window.ads=[" + ",".join(f'{{"slot":{i},"size":[300,250]}}'
                                              for i in range(300)) + "]</script>")
    note = f" Reader's private note: {canary}." if canary else ""
    body = [f"<p>The {MARKER} on Tuesday that the rebuilt wall is safe.{note} "
            f"{_prose(rng, 3)}</p>"]
    for part in range(5):
        body.append(f'<h2>Part {part + 1}</h2><figure><img src="/img/{part}.jpg" alt="">'
                    f"<figcaption>{_prose(rng, 1)}</figcaption></figure>")
        body.extend(f"<p>{_prose(rng, 4)}</p>" for _ in range(5))
    related = "".join(f'<li><a href="/news/{i}"><img src="/t/{i}.jpg" alt="">{_prose(rng, 1)}'
                      "</a></li>" for i in range(16))
    comments = "".join(f'<li class="comment"><span class="user">reader{i}</span><p>'
                       f'{_prose(rng, 2)}</p><a href="#reply-{i}">Reply</a></li>'
                       for i in range(25))
    footer = "".join(f'<a href="/about/{i}">About {i}</a> ' for i in range(60))
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Harbour wall "
            f"reopens</title>{head}</head><body><header><nav><ul>{nav}</ul></nav></header>"
            f'<main><article><h1>Harbour wall reopens</h1><p class="byline">By A. Writer</p>'
            f"{''.join(body)}</article><aside><h3>Related</h3><ul>{related}</ul></aside>"
            f'<section id="comments" class="comments"><h3>25 comments</h3><ol>{comments}'
            f"</ol></section></main><footer>{footer}</footer>")
    state: list[str] = []
    while len(page) + sum(map(len, state)) < size - 80:
        state.append(f'{{"id":{len(state)},"teaser":"{_prose(rng, 1)}"}},')
    return (page + '<script id="__NEXT_DATA__" type="application/json">{"items":['
            + "".join(state) + "{}]}</script></body></html>")
