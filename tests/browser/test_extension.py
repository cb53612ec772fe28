"""The extension end to end in headless Chromium: the toolbar action on a page served from
localhost, the real API on 127.0.0.1, the reader tab it opens. Every wait is on the
reader's `main[data-state]` hook or on a DOM state, never a sleep."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

from plainpage.rules.commands import run_case
from plainpage.rules.fmt import format_file
from plainpage.rules.load import parse_source
from plainpage.web.problems import PROBLEM_TYPES
from tests.browser import pages
from tests.browser.harness import Api, ExtensionBrowser, closed_port_url

if TYPE_CHECKING:
    from playwright.sync_api import Page  # only for annotations: no import without playwright

pytestmark = pytest.mark.browser

# Offending nodes in the reader: handlers, active elements, non-http(s) URLs, extra scripts.
UNSAFE_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(`${el.localName}[${attr.name}]`);
    }
  }
  for (const el of document.querySelectorAll(
      "iframe, object, embed, svg, math, style, form, frame, base, meta[http-equiv]")) {
    bad.push(el.localName);
  }
  const scripts = [...document.scripts].map((s) => s.getAttribute("src"));
  if (scripts.join() !== "reader.js") bad.push(`scripts: ${scripts.join()}`);
  for (const a of document.querySelectorAll("a[href]")) {
    if (!/^(https?|mailto|blob):/.test(a.href)) bad.push(`a[href=${a.getAttribute("href")}]`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!/^https?:/.test(img.src)) bad.push(`img[src=${img.getAttribute("src")}]`);
  }
  return bad;
}"""


def read(browser: ExtensionBrowser, site: str, path: str, state: str = "done"
         ) -> tuple[Page, Page]:
    page = browser.open(site + path)
    return page, browser.read(page, state)


def open_removed_panel(reader: Page) -> None:
    reader.click("#removed-toggle")
    reader.wait_for_selector("#removed-panel", state="visible")


def test_click_shows_the_clean_article(browser: ExtensionBrowser, site: str,
                                       artifacts: Path) -> None:
    _page, reader = read(browser, site, "/flood")
    assert reader.inner_text("#title") == "Flood closes the old bridge"
    assert reader.inner_text("#byline") == "Ada Reporter"
    meta = reader.inner_text("#meta")
    assert "The Valley Gazette" in meta and "2024" in meta and "min read" in meta
    text = reader.inner_text("#body")
    for sentence in (pages.FIRST, pages.LAST, "It was the highest water in forty years"):
        assert sentence in text
    for junk in (pages.APPEAL_HEADING, "Donate now", pages.NEWSLETTER, "Storm warning"):
        assert junk not in text
    assert reader.is_hidden("#paywall")
    # Structure comes from the block list: heading, link, figure, list, quote, code, table.
    assert reader.inner_text("#body h2") == "What comes next"
    link = reader.locator("#body p a")
    assert link.get_attribute("href") == f"{site}/town"
    assert link.get_attribute("rel") == "noopener noreferrer"
    reader.wait_for_function(
        "() => document.querySelector('#body figure img')?.naturalWidth > 0")
    assert reader.get_attribute("#body figure img", "alt") == "The bridge in the flood"
    assert "The bridge at noon" in reader.inner_text("#body figcaption")
    assert reader.locator("#body ul > li").count() == 2
    assert "forty years" in reader.inner_text("#body blockquote")
    code = reader.inner_text("#body pre[data-language=python] code")
    assert code == 'print("water level: 3.2 m")'
    assert reader.locator("#body thead th").count() == 2
    assert reader.locator("#body tbody td").count() == 4
    assert reader.inner_text("#removed-toggle").startswith("Removed (")
    reader.screenshot(path=artifacts / "reader-light.png", full_page=True)


def test_removed_panel_lists_blocks_by_kind_and_shows_them_in_place(
        browser: ExtensionBrowser, site: str) -> None:
    _page, reader = read(browser, site, "/flood")
    open_removed_panel(reader)
    items = reader.locator("#removed-panel li.removed-item")
    kinds = items.evaluate_all("els => els.map(el => el.dataset.kind)")
    assert {"appeal", "newsletter", "readmore"} <= set(kinds)
    assert reader.inner_text("#removed-toggle") == f"Removed ({len(kinds)})"
    appeal = reader.locator("li.removed-item[data-kind=appeal]")
    assert pages.APPEAL_HEADING in appeal.inner_text()
    assert appeal.locator(".removed-reason").inner_text().strip()
    assert appeal.locator(".removed-selector").inner_text() == "article > div.support-box"
    assert reader.locator("section.kind-group").count() == len(set(kinds))

    reader.check("#show-in-place")
    reader.wait_for_selector(f"#body .removed-inline >> nth={len(kinds) - 1}")
    order = reader.evaluate("""() => [...document.querySelector('#body').children].map(
        el => el.classList.contains('removed-inline') ? el.dataset.kind : el.localName)""")
    # Where they stood in the page: the appeal between the first paragraph and the heading,
    # the newsletter box before the last paragraph, the related list after the article.
    assert order.index("p") < order.index("appeal") < order.index("h2")
    assert order[-3:] == ["newsletter", "p", "readmore"]
    assert reader.is_hidden("#in-place-note")
    reader.uncheck("#show-in-place")
    assert reader.locator("#body .removed-inline").count() == 0


def test_reading_settings_persist_in_storage(browser: ExtensionBrowser, site: str,
                                             artifacts: Path) -> None:
    _page, reader = read(browser, site, "/flood")
    size = reader.evaluate("() => getComputedStyle(document.querySelector('#body p')).fontSize")
    assert size == "19px"
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert reader.get_attribute("html", "data-theme") == "system"  # the default follows the OS
    reader.emulate_media(color_scheme="dark")
    assert reader.evaluate(background) == "rgb(21, 22, 26)"
    reader.emulate_media(color_scheme="light")
    assert reader.evaluate(background) == "rgb(253, 253, 251)"
    reader.select_option("#pref-theme", "dark")
    reader.select_option("#pref-font", "sans")
    reader.select_option("#pref-width", "wide")
    reader.click("#pref-larger")
    reader.wait_for_selector("#pref-size >> text=20")
    reader.click("#pref-larger")
    reader.wait_for_selector("html[data-theme=dark][data-font=sans][data-width=wide]")
    reader.wait_for_selector("#pref-size >> text=21")
    stored = browser.storage()
    assert (stored["theme"], stored["fontFamily"], stored["lineWidth"], stored["fontSize"]) == (
        "dark", "sans", "wide", 21)

    reader.reload()
    reader.wait_for_selector("main[data-state=done]")
    reader.wait_for_selector("html[data-theme=dark][data-font=sans][data-width=wide]")
    style = reader.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('#body p'));
        return [s.fontSize, s.fontFamily, getComputedStyle(document.body).backgroundColor]; }""")
    assert style[0] == "21px"
    assert "serif" not in style[1].replace("sans-serif", "")
    assert style[2] == "rgb(21, 22, 26)"  # the dark theme's background
    assert reader.input_value("#pref-theme") == "dark"
    reader.screenshot(path=artifacts / "reader-dark.png", full_page=True)


def test_paywalled_page_gets_a_plain_notice(browser: ExtensionBrowser, site: str) -> None:
    _page, reader = read(browser, site, "/budget")
    notice = reader.inner_text("#paywall")
    assert "shows only part of the article to readers without a subscription" in notice
    assert "for subscribers" in notice  # the access the page declares
    evidence = reader.locator("#paywall-evidence li").all_inner_texts()
    assert any("isAccessibleForFree=false" in item for item in evidence), evidence
    assert pages.FIRST in reader.inner_text("#body")  # what the page shows is still shown
    # The next page is offered as a link, never fetched behind the reader's back.
    assert reader.get_attribute("#next-page", "href") == site + "/budget/2"
    assert reader.is_visible("#next-page")


def test_api_down_shows_the_error_with_the_start_command(browser: ExtensionBrowser,
                                                         site: str) -> None:
    browser.set_storage(apiUrl=closed_port_url())
    _page, reader = read(browser, site, "/flood", state="error")
    assert reader.get_attribute("main", "data-error") == "unreachable"
    assert "not reachable" in reader.inner_text("#error-title")
    assert reader.inner_text("#error-help .command") == "plainpage serve"
    assert reader.is_visible("#open-options")


def test_problem_json_is_shown_by_its_title(browser: ExtensionBrowser, site: str) -> None:
    browser.set_storage(token="not-the-token-0123456789")
    _page, reader = read(browser, site, "/flood", state="error")
    assert reader.get_attribute("main", "data-error") == "problem"
    assert reader.inner_text("#error-title") == PROBLEM_TYPES["unauthorized"].title
    assert "token or API key is not valid" in reader.inner_text("#error-detail")
    assert "401" in reader.inner_text("#error-help")


def test_a_page_without_an_article_says_so(browser: ExtensionBrowser, site: str) -> None:
    _page, reader = read(browser, site, "/sections", state="error")
    assert reader.get_attribute("main", "data-error") == "not-article"
    assert "does not look like an article" in reader.inner_text("#error-title")


def test_a_browser_page_cannot_be_read_and_says_so(browser: ExtensionBrowser) -> None:
    page = browser.open("chrome://version/")
    reader = browser.read(page, state="error")
    assert reader.get_attribute("main", "data-error") == "unreadable"
    assert "cannot be read" in reader.inner_text("#error-title")

def test_keyboard_shortcut_is_assigned(browser: ExtensionBrowser) -> None:
    manifest = json.loads((Path(__file__).parents[2] / "extension/manifest.json").read_text())
    suggested = manifest["commands"]["_execute_action"]["suggested_key"]["default"]
    commands = browser.worker.evaluate("() => chrome.commands.getAll()")
    action = next(c for c in commands if c["name"] == "_execute_action")
    # Chromium leaves a suggestion it refuses silently unassigned (shortcut ""), so check it.
    assert action["shortcut"] == suggested
    options = browser.open(browser.url("options/options.html"))
    options.wait_for_selector("main[data-state=ready]")
    assert suggested in options.inner_text("#shortcut")


def test_rule_from_the_removed_panel_is_a_ready_rule_file(browser: ExtensionBrowser,
                                                          site: str, tmp_path: Path) -> None:
    _page, reader = read(browser, site, "/flood")
    open_removed_panel(reader)
    reader.click("li.removed-item[data-kind=appeal] button.make-rule")
    reader.wait_for_selector("#rule-dialog[open]")
    assert reader.inner_text("#rule-file") == "rules/localhost.toml"
    snippet = reader.input_value("#rule-snippet")
    assert '[[strip]]\ncss = "article > div.support-box"\nkind = "appeal"' in snippet

    # A ready file: valid, canonically formatted, and its test passes once the page is saved.
    rules = tmp_path / "rules"
    (rules / "fixtures" / "localhost").mkdir(parents=True)
    (rules / "localhost.toml").write_text(snippet, encoding="utf-8")
    (rules / "fixtures" / "localhost" / "flood.html").write_text(pages.ARTICLE, encoding="utf-8")
    rule, _data = parse_source(snippet, "localhost.toml")
    assert rule.host == "localhost" and rule.tests[0].removed == ("appeal",)
    assert format_file(rules / "localhost.toml") == snippet
    assert run_case(rule, 0, rules).failures == ()

    reader.select_option("#rule-kind", "other")
    assert 'kind = "other"' in reader.input_value("#rule-snippet")
    with reader.expect_download() as download:
        reader.click("#rule-download")
    assert download.value.suggested_filename == "localhost.toml"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved == reader.input_value("#rule-snippet")


def test_picking_a_block_on_the_page_makes_a_rule(browser: ExtensionBrowser, site: str) -> None:
    page, reader = read(browser, site, "/flood")
    open_removed_panel(reader)
    reader.click("#pick")
    page.wait_for_selector("html[data-plainpage-picker=on]", state="attached")
    page.hover(".briefing-box p")
    page.keyboard.press("ArrowUp")  # widen from the paragraph to its box
    page.click(".briefing-box p")
    reader.wait_for_selector("#rule-dialog[open]")
    assert reader.input_value("#rule-selector") == "div.briefing-box"
    assert reader.input_value("#rule-kind") == "newsletter"  # the kind plainpage found for it
    snippet = reader.input_value("#rule-snippet")
    assert 'css = "div.briefing-box"' in snippet and 'removed = ["newsletter"]' in snippet
    assert page.get_attribute("html", "data-plainpage-picker") is None  # the picker is gone
    assert page.evaluate("window.__pageClicks") == 0  # and the page never saw the click


def test_hostile_page_runs_no_script_in_the_reader(browser: ExtensionBrowser,
                                                   site: str) -> None:
    page, reader = read(browser, site, "/hostile")
    assert page.evaluate("window.__pwned") == 1  # the payloads are live in a page without CSP
    open_removed_panel(reader)
    reader.check("#show-in-place")
    reader.wait_for_selector("#body .removed-inline")
    assert reader.evaluate("window.__pwned") is None
    assert reader.evaluate(UNSAFE_DOM) == []
    # The payloads that arrived as text are shown as text.
    assert reader.inner_text("#title") == pages.HOSTILE_TITLE
    assert reader.inner_text("#body pre code") == pages.TEXT_PAYLOADS[1]
    assert pages.TEXT_PAYLOADS[0] in reader.inner_text("#body figcaption")
    assert pages.TEXT_PAYLOADS[0] in reader.inner_text("#removed-panel")
    assert reader.evaluate("window.__pwned") is None


def test_action_works_after_the_worker_was_stopped(browser: ExtensionBrowser, site: str) -> None:
    # Browsers stop an idle extension worker after ~30 s; nothing may depend on its globals.
    browser.worker.evaluate("() => { self.plainpageTestMarker = 1; }")
    cdp = browser.context.browser.new_browser_cdp_session()  # type: ignore[union-attr]
    try:
        targets = cdp.send("Target.getTargets")["targetInfos"]
        worker = next(t for t in targets if t["type"] == "service_worker"
                      and browser.extension_id in t["url"])
        assert cdp.send("Target.closeTarget", {"targetId": worker["targetId"]})["success"]
    finally:
        cdp.detach()
    _page, reader = read(browser, site, "/flood")  # the click starts a new worker
    assert pages.FIRST in reader.inner_text("#body")
    # A fresh worker (its globals are new): the click really did without the old one.
    assert browser.worker.evaluate("() => self.plainpageTestMarker") is None


def test_options_page_saves_and_checks_the_api(browser: ExtensionBrowser, api: Api) -> None:
    browser.set_storage(apiUrl="http://127.0.0.1:1", token="")
    options = browser.open(browser.url("options/options.html"))
    options.wait_for_selector("main[data-state=ready]")
    options.fill("#api-url", "ftp://127.0.0.1/")
    options.click("#save")
    options.wait_for_selector("#status[data-kind=error]")
    options.fill("#api-url", api.url + "/")
    options.fill("#token", f"  {api.token} ")
    options.select_option("#theme", "sepia")
    options.click("#save")
    options.wait_for_selector("#status[data-kind=ok]")
    stored = browser.storage()
    assert (stored["apiUrl"], stored["token"], stored["theme"]) == (api.url, api.token, "sepia")
    options.click("#check")
    options.wait_for_selector("#status[data-kind=ok] >> text=Connected")


def test_click_to_reader_time(browser: ExtensionBrowser, site: str, artifacts: Path) -> None:
    # Every fixture page that reads as an article: the median over all their clicks.
    runs: dict[str, list[float]] = {}
    for path in ("/flood", "/budget", "/hostile"):
        page = browser.open(site + path)
        for _ in range(5):
            reader, elapsed = browser.timed_read(page)
            assert pages.FIRST in reader.inner_text("#body")
            runs.setdefault(path, []).append(elapsed)
            reader.close()
        page.close()
    times = [t for ts in runs.values() for t in ts]
    median = statistics.median(times)
    (artifacts / "click-to-reader.json").write_text(json.dumps(
        {"runs_ms": {p: [round(t * 1000, 1) for t in ts] for p, ts in runs.items()},
         "median_ms": round(median * 1000, 1)}, indent=1))
    assert median < 2.0, runs  # the aim is 250 ms; this bound only catches a hang or a regression


QUOTING = ["plain", 'div[data-x="a"]', "it's", "back\\slash", 'both \' and "', "tab\there",
           "new\nline", "bell\x07", "del\x7f", "ünïcødé ✓ 𝄞", "", 'a "q" and \\']


def test_rule_writer_matches_rules_fmt(browser: ExtensionBrowser, tmp_path: Path) -> None:
    from plainpage.rules.fmt import quote
    from plainpage.rules.scaffold import fixture_name, rule_host

    options = browser.open(browser.url("options/options.html"))
    module = "const m = await import('/lib/rule.js');"
    quoted = options.evaluate(f"async (xs) => {{ {module} return xs.map(m.quote); }}", QUOTING)
    assert quoted == [quote(text) for text in QUOTING]
    urls = ["https://www.Example.com/2024/05/Some-Story.html?x=1", "https://news.test/",
            "http://localhost:8080/a%20b/%C3%BCber.php", "https://sub.site.test./x.y.z"]
    names = f"async (xs) => {{ {module} return xs.map(u => [m.ruleHost(u), m.fixtureName(u)]); }}"
    named = options.evaluate(names, urls)
    last = [unquote(urlsplit(u).path.rstrip("/").split("/")[-1]) for u in urls]
    expected = [[rule_host(u), fixture_name(Path(n))] for u, n in zip(urls, last, strict=True)]
    assert named == expected
    # A selector that needs quoting still gives a valid, canonically formatted file.
    snippet = options.evaluate(f"""async () => {{ {module} return m.ruleSnippet({{
        pageUrl: "https://www.example.com/news/a-story", selector: 'div[data-box="appeal"]',
        kind: "nav", junkText: "Support us: \\"give\\" now", articleText: "" }}); }}""")
    path = tmp_path / "example.com.toml"
    path.write_text(snippet, encoding="utf-8")
    assert format_file(path) == snippet
    rule, _data = parse_source(snippet, str(path))
    assert rule.strip[0].css == 'div[data-box="appeal"]' and rule.strip[0].kind == "other"
    assert rule.tests[0].contains[0].startswith("TODO")  # no article text: a placeholder
