"""The ``plainpage`` command line: formats, inputs, batches, error lines and exit codes.

Tests marked ``fake_extract`` replace the library call, so they check the CLI's own
behaviour (what it passes in, how it writes out, how it maps errors); the others run the
real extractor on small pages written here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import plainpage
import plainpage.cli as cli_module
from plainpage import Article, Options
from plainpage.cli import EXIT_CODES, cli
from plainpage.errors import (
    DocumentTooComplex,
    FetchError,
    NotHTML,
    PlainpageError,
    RuleSchemaError,
)

README = Path(__file__).resolve().parents[1] / "README.md"

FIRST = (
    "The river had risen overnight, and by morning the old stone bridge stood in brown water "
    "up to its second arch. Farmers on both banks moved their animals to the higher fields "
    "while the ferryman, who had seen three such floods, tied his boat to the church railings."
)
SECOND = (
    "By noon the water began to fall. Children gathered on the embankment to watch branches, "
    "fence posts and a single blue door float past, and the baker handed out the bread that "
    "nobody had come to buy, because the road to the market town was still closed."
)


def page(*paragraphs: str, extra: str = "") -> str:
    """A small but realistic page: navigation and footer around one article."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Flood</title></head>"
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About</a></nav>"
        f"<article>{body}{extra}</article>"
        "<footer>Copyright The Valley Gazette. All rights reserved.</footer></body></html>"
    )


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("plainpage: error:")]


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "flood.html"
    path.write_text(page(FIRST, SECOND), encoding="utf-8")
    return path


# --- a fake library call: the CLI's own behaviour ---------------------------------------------


@dataclass
class FakeExtract:
    """Stands in for plainpage.extract, recording each call and answering as told."""

    article: Article = field(default_factory=lambda: Article(
        text="Grüße aus Köln.", markdown="# Grüße\n\nKöln.", html="<p>Grüße</p>"))
    raises: Exception | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, html: Any, url: Any = None, *, options: Any = None,
                 charset: Any = None, rules: Any = None) -> Article:
        self.calls.append({"html": html, "url": url, "options": options, "charset": charset,
                           "rules": rules})
        if self.raises is not None:
            raise self.raises
        return self.article


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeExtract:
    stub = FakeExtract()
    monkeypatch.setattr(cli_module, "extract", stub)
    return stub


def test_file_is_passed_as_bytes_with_url_and_charset(fake: FakeExtract, tmp_path: Path) -> None:
    raw = "<p>caf\xe9</p>".encode("latin-1")
    (tmp_path / "a.html").write_bytes(raw)
    result = run("extract", str(tmp_path / "a.html"), "--url", "https://example.org/a/b",
                 "--charset", "latin-1")
    assert result.exit_code == 0, result.output
    [call] = fake.calls
    assert call["html"] == raw  # undecoded: decoding is the library's job
    assert call["url"] == "https://example.org/a/b"
    assert call["charset"] == "latin-1"
    assert call["options"] == Options()


def test_stdout_is_utf8_with_a_final_newline(fake: FakeExtract, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    result = run("extract", str(tmp_path / "a.html"))
    assert result.stdout_bytes == "Grüße aus Köln.\n".encode()
    assert result.stderr == ""


@pytest.mark.parametrize(("fmt", "expected"), [
    ("markdown", "# Grüße\n\nKöln.\n"),
    ("html", "<p>Grüße</p>\n"),
])
def test_format_picks_the_rendering(fake: FakeExtract, tmp_path: Path, fmt: str,
                                    expected: str) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    result = run("extract", "-f", fmt, str(tmp_path / "a.html"))
    assert result.exit_code == 0
    assert result.stdout == expected


def test_json_is_to_dict_unescaped(fake: FakeExtract, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    result = run("extract", "--format", "json", str(tmp_path / "a.html"))
    assert json.loads(result.stdout) == fake.article.to_dict()
    assert "Grüße" in result.stdout  # ensure_ascii=False


def test_stdin_dash_reads_bytes(fake: FakeExtract) -> None:
    result = run("extract", "-", stdin="<p>ä</p>".encode())
    assert result.exit_code == 0
    assert fake.calls[0]["html"] == "<p>ä</p>".encode()


def test_switches_and_option_assignments_build_options(fake: FakeExtract, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    result = run("extract", str(tmp_path / "a.html"), "--no-fallback", "--no-images",
                 "--no-links", "--option", "max_depth=8000", "--option", "fallback_below=0.5",
                 "--option", "clean-boilerplate=false")
    assert result.exit_code == 0, result.output
    assert fake.calls[0]["options"] == Options(
        fallback=False, include_images=False, include_links=False, max_depth=8000,
        fallback_below=0.5, clean_boilerplate=False)


@pytest.mark.parametrize("assignment", ["max_depth=deep", "fallback=maybe", "no_such=1", "x"])
def test_bad_option_assignment_is_a_usage_error(fake: FakeExtract, tmp_path: Path,
                                                assignment: str) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    result = run("extract", str(tmp_path / "a.html"), "--option", assignment)
    assert result.exit_code == 2
    assert "--option" in result.stderr
    assert fake.calls == []


@pytest.mark.parametrize("args", [
    ["--url", "example.org/page"], ["--url", "/relative"], ["--charset", "no-such-charset"],
    ["--format", "pdf"], ["--jobs", "0"],
])
def test_bad_values_are_usage_errors(fake: FakeExtract, article_file: Path,
                                     args: list[str]) -> None:
    result = run("extract", str(article_file), *args)
    assert result.exit_code == 2
    assert fake.calls == []


@pytest.mark.parametrize("error", [
    NotHTML("a PDF document"), DocumentTooComplex("nesting deeper than 4000"),
    RuleSchemaError("unknown key", path="rules/x.toml", line=3), FetchError("timed out"),
    PlainpageError("something broke"),
])
def test_library_errors_map_to_their_exit_code(fake: FakeExtract, article_file: Path,
                                               error: PlainpageError) -> None:
    fake.raises = error
    result = run("extract", str(article_file))
    assert result.exit_code == type(error).exit_code
    assert result.stderr == f"plainpage: error: {article_file}: {error}\n"
    assert result.stdout == ""


def test_unexpected_exception_is_one_line_unless_traceback_asked(fake: FakeExtract,
                                                                 article_file: Path) -> None:
    fake.raises = RuntimeError("boom")
    plain = run("extract", str(article_file))
    assert plain.exit_code == 1
    assert plain.stderr == f"plainpage: error: {article_file}: internal error: RuntimeError: boom\n"
    verbose = run("--traceback", "extract", str(article_file))
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.endswith("internal error: RuntimeError: boom\n")


def test_empty_article_warns_but_succeeds(fake: FakeExtract, article_file: Path) -> None:
    fake.article = Article()
    result = run("extract", str(article_file))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"plainpage: warning: {article_file}: no article text found\n"


def test_batch_keeps_going_after_a_failure(fake: FakeExtract, tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text("<p>x</p>")
    out = tmp_path / "out"
    result = run("extract", str(tmp_path / "missing.html"), str(good), "--out", str(out))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"plainpage: error: {tmp_path / 'missing.html'}: No such file or directory"]
    assert result.stderr.endswith("1 extracted, 1 failed\n")
    assert (out / "good.txt").read_text(encoding="utf-8") == "Grüße aus Köln.\n"


def test_single_file_with_out_keeps_its_exit_code(fake: FakeExtract, article_file: Path,
                                                  tmp_path: Path) -> None:
    fake.raises = NotHTML("an image")
    result = run("extract", str(article_file), "--out", str(tmp_path / "out"))
    assert result.exit_code == NotHTML.exit_code
    assert result.stderr.endswith("0 extracted, 1 failed\n")


def test_out_names_use_the_format_extension(fake: FakeExtract, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "b.htm").write_text("<p>x</p>")
    out = tmp_path / "new" / "dir"
    result = run("extract", "-f", "markdown", str(tmp_path / "a.html"), str(tmp_path / "b.htm"),
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.md", "b.md"]
    assert result.stdout == ""


def test_out_that_is_a_file_is_an_io_error(fake: FakeExtract, article_file: Path,
                                           tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run("extract", str(article_file), "--out", str(blocker / "sub"))
    assert result.exit_code == 6
    assert len(error_lines(result)) == 1
    assert fake.calls == []


# --- usage errors and read errors (no extraction involved) -----------------------------------


def test_several_files_without_out_is_a_usage_error(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path / "a.html"), str(tmp_path / "b.html"))
    assert result.exit_code == 2
    assert "--out" in result.stderr


def test_stdin_cannot_join_a_batch(tmp_path: Path) -> None:
    result = run("extract", "-", str(tmp_path / "a.html"), "--out", str(tmp_path))
    assert result.exit_code == 2


def test_two_inputs_with_one_output_name_are_refused(tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "page.html").write_text("<p>x</p>")
    out = tmp_path / "out"
    result = run("extract", str(tmp_path / "x/page.html"), str(tmp_path / "y/page.html"),
                 "--out", str(out))
    assert result.exit_code == 2
    assert "page.txt" in result.stderr
    assert not out.exists()


def test_output_never_overwrites_its_input(tmp_path: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text("<p>keep me</p>")
    result = run("extract", "-f", "html", str(source), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert source.read_text() == "<p>keep me</p>"


def test_missing_file_is_one_line_and_exit_6(tmp_path: Path) -> None:
    missing = tmp_path / "nope.html"
    result = run("extract", str(missing))
    assert result.exit_code == 6
    assert result.stderr == f"plainpage: error: {missing}: No such file or directory\n"


def test_directory_is_a_read_error(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path))
    assert result.exit_code == 6
    assert result.stderr.startswith(f"plainpage: error: {tmp_path}: ")
    assert "Traceback" not in result.stderr


def test_help_lists_every_exit_code() -> None:
    result = run("extract", "--help")
    assert result.exit_code == 0
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning)}$", result.stdout, re.M)


def test_readme_documents_every_exit_code() -> None:
    readme = README.read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES:
        assert f"| {code} | {meaning} |" in readme


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert plainpage.__version__ in result.stdout


# --- the real extractor (these need the extraction core) -------------------------------------


def test_text_is_the_article_only(article_file: Path) -> None:
    result = run("extract", str(article_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{FIRST}\n\n{SECOND}\n"


def test_markdown_resolves_relative_links_against_url(tmp_path: Path) -> None:
    linked = FIRST.replace("old stone bridge", "<a href='../maps/bridge'>old stone bridge</a>")
    source = tmp_path / "linked.html"
    source.write_text(page(linked, SECOND), encoding="utf-8")
    result = run("extract", "-f", "markdown", str(source),
                 "--url", "https://gazette.example/news/2024/flood")
    assert result.exit_code == 0, result.output
    assert "[old stone bridge](https://gazette.example/news/maps/bridge)" in result.stdout


def test_json_output_round_trips(article_file: Path) -> None:
    result = run("extract", "-f", "json", str(article_file), "--url", "https://gazette.example/")
    data = json.loads(result.stdout)
    assert data["url"] == "https://gazette.example/"
    assert data["title"] == "Flood"
    assert data["text"] == f"{FIRST}\n\n{SECOND}"
    assert [block["type"] for block in data["blocks"]] == ["paragraph", "paragraph"]


def test_html_output_keeps_paragraphs(article_file: Path) -> None:
    result = run("extract", "-f", "html", str(article_file))
    assert result.stdout.count("<p>") == 2
    assert "Copyright" not in result.stdout


def test_declared_charset_decodes_bytes(tmp_path: Path) -> None:
    words = "Весной река разлилась, и старый каменный мост стоял в воде. " * 6
    source = tmp_path / "cp1251.html"
    html = page(words.strip()).replace("<meta charset='utf-8'>", "")
    source.write_bytes(html.encode("cp1251"))
    result = run("extract", str(source), "--charset", "windows-1251")
    assert result.exit_code == 0, result.output
    assert result.stdout == words.strip() + "\n"


def test_pdf_bytes_are_not_html(tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = run("extract", str(pdf))
    assert result.exit_code == 3
    assert error_lines(result) == result.stderr.splitlines()
    assert result.stderr.startswith(f"plainpage: error: {pdf}: ")


def test_batch_with_two_jobs(tmp_path: Path) -> None:
    sources = []
    for index in range(4):
        source = tmp_path / f"story{index}.html"
        source.write_text(page(f"Story {index}. {FIRST}", SECOND), encoding="utf-8")
        sources.append(str(source))
    out = tmp_path / "out"
    result = run("extract", *sources, "--out", str(out), "--jobs", "2", "-f", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == "4 extracted, 0 failed\n"
    for index in range(4):
        data = json.loads((out / f"story{index}.json").read_text(encoding="utf-8"))
        assert data["text"].startswith(f"Story {index}. The river")


def test_batch_with_jobs_reports_failures(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(page(FIRST), encoding="utf-8")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    out = tmp_path / "out"
    result = run("extract", str(good), str(pdf), str(tmp_path / "gone.html"),
                 "--out", str(out), "-j", "2")
    assert result.exit_code == 1
    assert sorted(line.split(": ")[2] for line in error_lines(result)) == sorted(
        [str(pdf), str(tmp_path / "gone.html")])
    assert result.stderr.endswith("1 extracted, 2 failed\n")
    assert (out / "good.txt").read_text(encoding="utf-8") == FIRST + "\n"


def test_python_dash_m_entry_point_reads_stdin() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # output must be UTF-8 regardless
    done = subprocess.run(
        [sys.executable, "-m", "plainpage", "extract", "-"], input=page(FIRST + " Grüße.").encode(),
        capture_output=True, timeout=60, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == FIRST + " Grüße.\n"
    assert done.stderr == b""


def test_readme_example_output_is_true(tmp_path: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    source = re.search(r"cat > page\.html <<'EOF'\n(.*?)\nEOF\n", readme, re.S)
    shown = re.search(r"scripts/run extract page\.html\n```\n\nprints:\n\n```text\n(.*?)```",
                      readme, re.S)
    assert source and shown, "README example not found"
    (tmp_path / "page.html").write_text(source.group(1) + "\n", encoding="utf-8")
    result = run("extract", str(tmp_path / "page.html"))
    assert result.exit_code == 0, result.output
    assert result.stdout == shown.group(1)


# --- site rules ------------------------------------------------------------------------------

SEED = (Path(__file__).resolve().parents[1] / "rules" / "fixtures" / "themoscowtimes.com"
        / "niger.html")
SEED_URL = "https://www.themoscowtimes.com/2023/12/04/a83301"


def _reasons(output: str) -> list[str]:
    return [item["reason"] for item in json.loads(output)["removed"]]


def test_extract_applies_the_repository_rule_for_the_url_host() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--url", SEED_URL, "-f", "json"])
    assert result.exit_code == 0, result.output
    reasons = _reasons(result.output)
    assert reasons and all(r.startswith("rule themoscowtimes.com.toml") for r in reasons)


def test_extract_no_rules_is_generic_only() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--url", SEED_URL, "-f", "json",
                                      "--no-rules"])
    assert result.exit_code == 0, result.output
    assert all(r.startswith("generic detector") for r in _reasons(result.output))


def test_extract_reports_a_broken_rule_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "themoscowtimes.com.toml").write_text('host = "themoscowtimes.com"\nbody = 3\n')
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--url", SEED_URL,
                                      "--rules", str(tmp_path)])
    assert result.exit_code == 0
    assert "rule skipped" in result.stderr and "body" in result.stderr
    assert "A Russian delegation" in result.stdout
