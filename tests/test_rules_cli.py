"""``plainpage rules check|test|new|fmt|import-ftr`` through click's runner, on tmp rule dirs."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plainpage import extract as real_extract
from plainpage.cli import cli
from plainpage.model import Article, Removed
from plainpage.rules import RuleSet, RuleTest, load_file
from plainpage.rules import commands as commands_module
from plainpage.rules.commands import check_article

PAGE = """<html><head><title>Page</title></head><body>
<article><h1>The Headline</h1>
<p>The first paragraph of the story has a good number of words in it, like a real article.</p>
<p>The second paragraph goes on with the story and adds more words so the page is an article.</p>
</article></body></html>"""

RULE = """host = "example.com"
body = ["article"]

[[test]]
fixture = "page.html"
contains = ["The first paragraph of the story"]
absent = ["Subscribe now"]

[[test]]
fixture = "page.html"
url = "https://www.example.com/story"
contains = ["A sentence that is not there"]
removed = ["appeal"]
"""


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["rules", *args], env=env)


def rules_dir(tmp_path: Path, rule: str = RULE) -> Path:
    folder = tmp_path / "rules"
    (folder / "fixtures" / "example.com").mkdir(parents=True)
    (folder / "fixtures" / "example.com" / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "example.com.toml").write_text(rule, encoding="utf-8")
    return folder


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record what the runner hands plainpage.extract; extract generically (no rules)."""
    seen: list[dict[str, Any]] = []

    def fake(html: bytes, url: str, *, rules: RuleSet) -> Article:
        seen.append({"url": url, "rules": rules})
        return real_extract(html, url)

    monkeypatch.setattr(commands_module, "extract", fake)
    return seen


# --- check ------------------------------------------------------------------------------------


def test_check_passes_a_good_directory(tmp_path: Path) -> None:
    result = run("check", str(rules_dir(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "1 rules loaded, 0 problem(s)" in result.output


def test_check_lists_every_problem_and_exits_4(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path)
    (folder / "a.com.toml").write_text('host = "a.com"\nbody = ["div["]\n')
    (folder / "b.com.toml").write_text('host = "b.com"\nbody = [\n')
    result = run("check", "--rules", str(folder))
    assert result.exit_code == 4
    assert f"error: {folder / 'a.com.toml'}:2: [body[0]] selector does not compile" in result.output
    assert f"error: {folder / 'b.com.toml'}:" in result.output


def test_check_requires_tests_unless_allowed(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path)
    (folder / "a.com.toml").write_text('host = "a.com"\n')
    assert run("check", str(folder)).exit_code == 4
    assert run("check", "--allow-untested", str(folder)).exit_code == 0


def test_rules_dir_comes_from_the_environment(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path)
    (folder / "a.com.toml").write_text('host = "A.com"\n')
    result = run("check", env={"PLAINPAGE_RULES_DIR": str(folder)})
    assert result.exit_code == 4 and "must be lower case" in result.output


# --- test -------------------------------------------------------------------------------------


def test_test_runs_each_test_with_only_its_rule(tmp_path: Path,
                                                calls: list[dict[str, Any]]) -> None:
    folder = rules_dir(tmp_path)
    result = run("test", "--rules", str(folder))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "PASS  example.com.toml:4  test[0] page.html"
    assert lines[1] == "FAIL  example.com.toml:9  test[1] page.html"
    assert "- contains: missing from the text: 'A sentence that is not there'" in lines[2]
    assert "- removed: no appeal removal (removed: " in lines[3]
    assert lines[-1] == "1 passed, 1 failed, 0 broken file(s)"
    assert [call["url"] for call in calls] == ["https://example.com/",
                                               "https://www.example.com/story"]
    assert all([r.host for r in call["rules"].rules] == ["example.com"] for call in calls)


def test_test_passes_when_every_test_passes(tmp_path: Path, calls: list[dict[str, Any]]) -> None:
    folder = rules_dir(tmp_path, RULE.split("\n[[test]]\nfixture = \"page.html\"\nurl")[0])
    result = run("test", "example.com", "--rules", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 passed, 0 failed, 0 broken file(s)"


def test_test_reports_a_missing_fixture_and_an_unknown_host(tmp_path: Path,
                                                            calls: list[dict[str, Any]]) -> None:
    folder = rules_dir(tmp_path)
    (folder / "fixtures" / "example.com" / "page.html").unlink()
    result = run("test", "www.example.com", "--rules", str(folder))
    assert result.exit_code == 1 and "fixture: cannot read" in result.output
    assert calls == []
    assert run("test", "nothing.org", "--rules", str(folder)).exit_code == 2


def test_test_counts_a_broken_rule_file(tmp_path: Path, calls: list[dict[str, Any]]) -> None:
    folder = rules_dir(tmp_path)
    (folder / "b.com.toml").write_text('host = "b.com"\nstrip = 3\n')
    result = run("test", "b.com", "--rules", str(folder))
    assert result.exit_code == 4 and "[strip] expected [[strip]] tables" in result.output


def test_an_error_inside_extract_fails_that_test_only(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(html: bytes, url: str, *, rules: RuleSet) -> Article:
        raise TypeError("boom")

    monkeypatch.setattr(commands_module, "extract", broken)
    result = run("test", "--rules", str(rules_dir(tmp_path)))
    assert result.exit_code == 1
    assert result.output.count("extract: internal error: TypeError: boom") == 2


def test_check_article_lists_every_miss() -> None:
    article = Article(title="Real  title", text="Kept text here.\n\nJunk: subscribe now.",
                      removed=(Removed("appeal", "Give", "rule", "div"),))
    test = RuleTest(fixture="a.html", title="Real title", contains=("Kept text", "Missing"),
                    absent=("subscribe now", "never here"), removed=("appeal", "readmore"))
    assert check_article(test, article) == [
        "contains: missing from the text: 'Missing'",
        "absent: still in the text: 'subscribe now'",
        "removed: no readmore removal (removed: appeal)",
    ]
    good = RuleTest(fixture="a.html", title="Real title", contains=("text   here.",),
                    removed=("appeal",))
    assert check_article(good, article) == []
    wrong = RuleTest(fixture="a.html", title="Other", contains=("TODO: a sentence",))
    assert check_article(wrong, article) == [
        "contains: placeholder not replaced: 'TODO: a sentence'",
        "title: expected 'Other', got 'Real  title'",
    ]


# --- new --------------------------------------------------------------------------------------


def test_new_writes_a_valid_skeleton_whose_test_fails(tmp_path: Path,
                                                      calls: list[dict[str, Any]]) -> None:
    page = tmp_path / "Saved Page.html"
    page.write_text(PAGE, encoding="utf-8")
    folder = tmp_path / "rules"
    result = run("new", "https://www.news.example.org/a/b", "--from", str(page),
                 "--rules", str(folder))
    assert result.exit_code == 0, result.output
    rule = load_file(folder / "news.example.org.toml")
    assert rule.body == ("article",) and rule.tests[0].url == "https://www.news.example.org/a/b"
    assert (folder / "fixtures" / "news.example.org" / "saved-page.html").read_text() == PAGE
    assert run("fmt", "--check", str(folder)).exit_code == 0  # written canonically
    tested = run("test", "--rules", str(folder))
    assert tested.exit_code == 1
    assert tested.output.count("placeholder not replaced") == 2
    assert run("check", str(folder)).exit_code == 4
    again = run("new", "news.example.org", "--from", str(page), "--rules", str(folder))
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_refuses_a_url_of_another_host(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(PAGE)
    result = run("new", "example.com", "--from", str(page), "--url", "https://other.org/",
                 "--rules", str(tmp_path / "rules"))
    assert result.exit_code == 1 and not (tmp_path / "rules").exists()


# --- fmt --------------------------------------------------------------------------------------


def test_fmt_check_lists_files_then_fmt_rewrites_them(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path)
    scrambled = 'body = ["article"]\nhost = "example.com"\n'
    (folder / "example.com.toml").write_text(scrambled)
    checked = run("fmt", "--check", str(folder))
    assert checked.exit_code == 1
    assert f"would reformat {folder / 'example.com.toml'}" in checked.output
    assert (folder / "example.com.toml").read_text() == scrambled
    assert run("fmt", str(folder)).exit_code == 0
    assert (folder / "example.com.toml").read_text() == 'host = "example.com"\nbody = ["article"]\n'
    assert run("fmt", "--check", str(folder)).exit_code == 0


def test_fmt_leaves_broken_files_alone_and_exits_4(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path)
    broken = 'body = ["article"]\nhost = "example.com"\nbody2 = 1\n'
    (folder / "example.com.toml").write_text(broken)
    result = run("fmt", str(folder))
    assert result.exit_code == 4 and "[body2] unknown key" in result.output
    assert (folder / "example.com.toml").read_text() == broken


# --- import-ftr -------------------------------------------------------------------------------


def test_import_ftr_prints_the_report_and_fails_when_not_ok(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Path, Path]] = []

    class Report:
        def __init__(self, ok: bool) -> None:
            self.ok = ok

        def summary(self) -> str:
            return f"imported: ok={self.ok}"

    def import_dir(src: Path, out: Path) -> Report:
        seen.append((src, out))
        return Report(ok=src.name == "good")

    fake = types.ModuleType("plainpage.rules.ftr")
    fake.import_dir = import_dir  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plainpage.rules.ftr", fake)
    (tmp_path / "good").mkdir()
    (tmp_path / "bad").mkdir()
    good = run("import-ftr", str(tmp_path / "good"), "--out", str(tmp_path / "out"))
    assert good.exit_code == 0 and good.output == "imported: ok=True\n"
    assert run("import-ftr", str(tmp_path / "bad"), "--out", str(tmp_path / "o")).exit_code == 1
    assert seen[0] == (tmp_path / "good", tmp_path / "out")
    assert run("import-ftr", str(tmp_path / "missing"), "--out", "x").exit_code == 2


# --- the real pipeline --------------------------------------------------------------------------

JUNK_PAGE = PAGE.replace("</article>", '<div class="xq-box">Our shop sells garden tools and '
                         "seeds at fair prices all year round.</div></article>")
STRIP_RULE = """host = "example.com"

[[strip]]
css = ".xq-box"
kind = "ad"

[[test]]
fixture = "page.html"
contains = ["The second paragraph goes on with the story"]
absent = ["garden tools"]
removed = ["ad"]
"""


def test_rules_test_runs_the_real_pipeline_with_the_rule(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path, STRIP_RULE)
    (folder / "fixtures" / "example.com" / "page.html").write_text(JUNK_PAGE)
    result = run("test", "--rules", str(folder))
    assert result.exit_code == 0, result.output
    # Without the [[strip]] the block stays: the pass above is the rule's doing.
    without = STRIP_RULE.split("[[strip]]")[0] + "[[test]]" + STRIP_RULE.split("[[test]]")[1]
    (folder / "example.com.toml").write_text(without)
    failed = run("test", "--rules", str(folder))
    assert failed.exit_code == 1 and "absent: still in the text: 'garden tools'" in failed.output
