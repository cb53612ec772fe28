"""Importing ftr-site-config files (``plainpage rules import-ftr``).

Every sample below is written for these tests in the ftr ``directive: value`` format; none is
taken from the real ftr-site-config corpus.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from plainpage.rules import load_dir
from plainpage.rules.fmt import format_file
from plainpage.rules.ftr import convert, host_of, import_dir, parse_ftr

NEWS = """\
# sample rules for a made-up news site
title: //h1[@class='headline']
title: //meta[@property='og:title']/@content
body: //div[@id='story'] | //div[contains(concat(' ',normalize-space(@class),' '),' story-body ')]
body: //article
author: //a[@rel='author']
date: //time/@datetime
next_page_link: //a[@rel='next']/@href

strip: //aside
strip: //div[@class='promo']
strip: //p[contains(., 'Read more')]
strip_id_or_class: newsletter
strip_id_or_class: 'share'
strip_image_src: /pixel.gif
src_lazy_load_attr: data-lazy-src
dissolve: //span[@class='wrap']

prune: no
tidy: no
http_header(User-Agent): Mozilla/5.0 (compatible; Googlebot/2.1)
http_header(cookie): consent=yes
requires_login: yes
login_uri: https://news.example/login
find_string: <h2 class="lead">
replace_string: <h2>
replace_string(<div class="x">): <div>
single_page_link: //a[@class='print']

test_url: https://news.example/2024/01/story
test_contains: The council voted
test_contains: on Tuesday
test_url: https://www.news.example/2024/02/other
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- parsing -------------------------------------------------------------------------------------

def test_parse_keeps_order_and_repeats_and_reports_garbage() -> None:
    directives, problems = parse_ftr(
        "# c\n\nbody: //a\nbody: //b\nstrip: //c[@x='1:2']\n"
        "replace_string(<a href=\"http://x\">): <a>\nthis line has no colon\n 9x: y\ntitle:\n")
    assert [(d.name, d.value) for d in directives[:3]] == [
        ("body", "//a"), ("body", "//b"), ("strip", "//c[@x='1:2']")]
    assert (directives[3].name, directives[3].arg, directives[3].value) == (
        "replace_string", '<a href="http://x">', "<a>")
    assert [d.line for d in directives] == [3, 4, 5, 6]
    assert len(problems) == 3
    assert "line 7" in problems[0] and "line 8" in problems[1]
    assert "title has no value" in problems[2]


def test_host_of_follows_ftr_naming() -> None:
    assert host_of("example.com.txt") == ("example.com", [])
    assert host_of("Sport.Example.com.txt") == ("sport.example.com", [])
    assert host_of(".example.com.txt") == ("_.example.com", ["*.example.com"])
    assert "fallback" in host_of("global.txt")                      # type: ignore[operator]
    assert "no domain" in host_of("LICENSE.txt")                    # type: ignore[operator]
    assert "not a host" in host_of("bad..name.txt")                 # type: ignore[operator]


# -- mapping ------------------------------------------------------------------------------------

def test_directives_map_to_the_rule_format() -> None:
    data = convert("news.example.txt", NEWS).data
    assert data is not None
    assert data["host"] == "news.example" and "hosts" not in data
    assert data["title"] == ['h1[class="headline"]',
                             {"css": 'meta[property="og:title"]', "attr": "content"}]
    assert data["body"] == ['div[id="story"], div[class~="story-body"]', "article"]
    assert data["author"] == ['a[rel="author" s]']
    assert data["date"] == [{"css": "time", "attr": "datetime"}]
    assert data["next_page"] == ['a[rel="next" s]']
    assert data["strip"] == [
        {"css": "aside", "kind": "other"},
        {"css": 'div[class="promo"]', "kind": "other"},
        {"css": '[class*="newsletter"], [id*="newsletter"]', "kind": "other"},
        {"css": '[class*="share"], [id*="share"]', "kind": "other"},      # quotes removed
        {"css": 'img[src*="/pixel.gif"]', "kind": "other"},
    ]
    assert data["transform"] == [
        {"op": "attr", "css": "img[data-lazy-src]", "from": "data-lazy-src", "to": "src"},
        {"op": "unwrap", "css": 'span[class="wrap"]'},
    ]
    assert data["example"] == [
        {"url": "https://news.example/2024/01/story",
         "contains": ["The council voted", "on Tuesday"]},
        {"url": "https://www.news.example/2024/02/other"},
    ]
    assert data["origin"]["source"] == "ftr-site-config"
    assert data["origin"]["file"] == "news.example.txt"
    assert data["origin"]["untranslated"] == [
        "strip: //p[contains(., 'Read more')]  (condition on text content (CSS cannot test text))"]


def test_drops_and_not_imported_are_recorded_with_reasons() -> None:
    result = convert("news.example.txt", NEWS)
    dropped = dict(result.dropped)
    assert set(dropped) == {"http_header(user-agent)", "http_header(cookie)", "requires_login",
                            "login_uri"}
    assert "impersonates" in dropped["http_header(user-agent)"]
    assert "logs in" in dropped["requires_login"]
    not_imported = [name for name, _ in result.not_imported]
    assert not_imported == ["prune", "tidy", "find_string", "replace_string", "replace_string",
                            "single_page_link"]
    assert all(why for _, why in result.not_imported)
    # nothing dropped leaks into the rule
    text = repr(result.data)
    assert "Googlebot" not in text and "consent" not in text and "login" not in text


def test_counts_per_directive() -> None:
    result = convert("news.example.txt", NEWS)
    assert result.seen["strip"] == 3 and result.translated["strip"] == 2
    assert result.seen["body"] == 2 and result.translated["body"] == 2
    assert result.translated["strip_id_or_class"] == 2


def test_value_expressions_that_cannot_be_selectors_are_untranslated() -> None:
    result = convert("x.example.txt", "body: //main\n"
                     "author: substring-after(//p[@class='by'], 'By ')\n"
                     "next_page_link: //a[@rel='next']/@title\n"
                     "date: (//time)[1]\n")
    assert result.data is not None
    assert [name for name, _, _ in result.untranslated] == ["author", "next_page_link", "date"]
    assert "substring-after()" in result.untranslated[0][2]
    assert "href" in result.untranslated[1][2]
    assert len(result.data["origin"]["untranslated"]) == 3
    assert "author" not in result.data and "next_page" not in result.data


def test_leading_dot_file_covers_subdomains_only(tmp_path: Path) -> None:
    src = _write(tmp_path / "ftr", {".example.com.txt": "body: //div[@id='sub']\n",
                                    "example.com.txt": "body: //div[@id='main']\n",
                                    ".other.org.txt": "body: //main\n"})
    report = import_dir(src, tmp_path / "rules")
    assert sorted(report.imported) == ["_.example.com.toml", "_.other.org.toml",
                                       "example.com.toml"]
    ruleset = load_dir(tmp_path / "rules")
    assert not ruleset.problems

    def rule_for(url: str) -> str | None:
        rule = ruleset.match(url)
        return rule.name if rule else None

    assert rule_for("https://news.example.com/a") == "_.example.com.toml"
    assert rule_for("https://example.com/a") == "example.com.toml"
    assert rule_for("https://www.example.com/a") == "example.com.toml"
    assert rule_for("https://blog.other.org/a") == "_.other.org.toml"
    assert rule_for("https://other.org/a") is None          # ftr: not the bare domain
    text = (tmp_path / "rules" / "_.other.org.toml").read_text()
    assert text.startswith("# ftr's .other.org.txt applies to subdomains of other.org only")


def test_typos_and_garbage_are_reported_never_fatal() -> None:
    result = convert("typo.example.txt", "titl: //h1\nbody: //main\ntest_rul: https://x\n"
                     "strip_id_or_clas: ad\nbody(x): //p\n\x00\x01 binary: junk\n"
                     "test_contains: orphan\nbody: //div[\n")
    assert result.data is not None and result.data["body"] == ["main"]
    problems = "\n".join(result.problems)
    assert "'titl' (did you mean 'title'?)" in problems
    assert "'test_rul' (did you mean 'test_url'?)" in problems
    assert "'strip_id_or_clas' (did you mean 'strip_id_or_class'?)" in problems
    assert "'body(x)'" in problems
    assert "test_contains before any test_url" in problems
    assert "not valid XPath" in result.data["origin"]["untranslated"][0]


def test_files_with_nothing_importable_are_skipped_with_a_reason() -> None:
    login = convert("club.example.txt", "requires_login: yes\nlogin_uri: https://c/login\n"
                    "http_header(user-agent): Bot\ntest_url: https://club.example/a\n")
    assert login.data is None and "login or request-header" in login.skip_reason
    options = convert("plain.example.txt", "prune: no\ntidy: no\n")
    assert options.data is None and "no extraction directives" in options.skip_reason
    hopeless = convert("text.example.txt", "strip: //p[text()='Ad']\n")
    assert hopeless.data is None and "no expression has a CSS form" in hopeless.skip_reason


def test_foreign_test_urls_are_reported() -> None:
    result = convert(".example.com.txt", "body: //main\ntest_url: https://example.com/a\n"
                     "test_url: https://blog.example.com/b\n")
    assert result.problems == ["test_url 'https://example.com/a' is not on *.example.com"]


def test_strip_id_or_class_selects_what_graby_strips() -> None:
    # graby: //*[contains(@class, 'x') or contains(@id, 'x')]
    data = convert("a.example.txt", "strip_id_or_class: ad-\n").data
    assert data is not None
    css = data["strip"][0]["css"]
    html = ('<div class="ad-box" id="a1"><p id="load-ad-x">1</p><p class="AD-x">2</p>'
            '<span class="bad">3</span><p class="x ad-">4</p></div>')
    tree = LexborHTMLParser(html)
    mirror = etree.HTML(html)
    expected = {el.text or el.get("id") for el in mirror.xpath(
        "//*[contains(@class, 'ad-') or contains(@id, 'ad-')]")}
    assert {n.text(deep=False) or n.attributes.get("id") for n in tree.css(css)} == expected


# -- the whole import --------------------------------------------------------------------------

def test_import_dir_report_and_output(tmp_path: Path) -> None:
    src = _write(tmp_path / "ftr", {
        "news.example.txt": NEWS,
        "one.example.txt": "body: //main\nstrip: //p[1]\nstrip: //p/..\n"
                           "strip: //a/ancestor::div[1]\n",
        "login.example.txt": "requires_login: yes\n",
        "global.txt": "body: //article\n",
        "README.txt": "These files are public domain.\n",
    })
    (src / "notes.md").write_text("not an ftr file")
    report = import_dir(src, tmp_path / "rules")
    assert report.seen == 5
    assert sorted(report.imported) == ["news.example.toml", "one.example.toml"]
    assert sorted(name for name, _ in report.skipped) == ["README.txt", "global.txt",
                                                          "login.example.txt"]
    assert report.ok and not report.errors
    # body: 2 + 1 translated of 3; strip: 2 of 3 in news, 2 of 3 in one
    assert report.share("body") == 1.0
    assert report.share("strip") == 4 / 6
    assert not report.targets_met
    assert report.dropped[("requires_login", "plainpage never logs in to a site: it extracts "
                                             "what the reader already sees")] == 2
    assert report.untranslatable["position on the ancestor:: axis"] == 1
    summary = report.summary()
    assert "5 files seen, 2 imported, 3 skipped, 0 errors" in summary
    assert "strip" in summary and "66.7%" in summary and "MISSED" in summary
    assert "http_header(user-agent)" in summary
    # every written file loads cleanly and is already in canonical form
    ruleset = load_dir(tmp_path / "rules")
    assert not ruleset.problems and len(ruleset.rules) == 2
    for path in (tmp_path / "rules").glob("*.toml"):
        assert format_file(path) == path.read_text(encoding="utf-8")


def test_imported_selectors_pick_the_intended_nodes(tmp_path: Path) -> None:
    import_dir(_write(tmp_path / "ftr", {"news.example.txt": NEWS}), tmp_path / "rules")
    rule = load_dir(tmp_path / "rules").rules[0]
    page = LexborHTMLParser(
        '<html><head><meta property="og:title" content="T"></head><body>'
        '<div class="story-body extra"><p>Text</p><aside>x</aside>'
        '<div class="newsletter-box">sign up</div><img src="/pixel.gif?1"></div></body></html>')
    roots = page.css(rule.body[0])
    assert [n.attributes["class"] for n in roots] == ["story-body extra"]
    removed = {n.tag for strip in rule.strip for n in page.css(strip.css)}
    assert removed == {"aside", "div", "img"}


def test_unreadable_and_colliding_files(tmp_path: Path) -> None:
    src = _write(tmp_path / "ftr", {"dup.example.txt": "body: //main\n",
                                    "Dup.Example.txt": "body: //article\n"})
    (src / "folder.example.txt").mkdir()
    (src / "latin.example.txt").write_bytes("title: //h1[@title='caf\xe9']\n".encode("latin-1"))
    report = import_dir(src, tmp_path / "rules")
    assert report.seen == 4
    assert report.imported == ["dup.example.toml", "latin.example.toml"]
    assert report.problems == ["latin.example.txt: not UTF-8; undecodable bytes replaced"]
    assert [why for _, why in report.skipped] == ["same host as Dup.Example.txt"]
    assert [name for name, _ in report.errors] == ["folder.example.txt"]
    assert not report.ok and "cannot read" in report.summary()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("abdoy:/()[]@'\"#\n |.*-_") + [
    "body", "strip", "title", "http_header(", "test_url", "replace_string(", "//div"]))
       .map("".join))
def test_convert_never_raises(text: str) -> None:
    result = convert("fuzz.example.txt", text)
    assert (result.data is None) == bool(result.skip_reason)
