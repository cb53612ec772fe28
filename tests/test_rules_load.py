"""Loading rule directories (broken files reported and skipped) and matching URLs to rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from plainpage.rules import Rule, RuleSet, load_dir, match
from plainpage.rules.load import repo_problems


def write(folder: Path, host: str, extra: str = "") -> Path:
    path = folder / f"{host}.toml"
    path.write_text(f'host = "{host}"\n{extra}', encoding="utf-8")
    return path


def test_broken_files_are_reported_and_skipped_while_the_others_load(tmp_path: Path) -> None:
    write(tmp_path, "a.com")
    bad_syntax = write(tmp_path, "b.com", "body = [\n")
    bad_schema = write(tmp_path, "c.com", '[[strip]]\ncss = "div["\nkind = "ad"\n')
    write(tmp_path, "d.com")
    ruleset = load_dir(tmp_path)
    assert [rule.host for rule in ruleset.rules] == ["a.com", "d.com"]
    assert [path for path, _ in ruleset.problems] == [str(bad_syntax), str(bad_schema)]
    assert ruleset.problems[1][1].startswith(f"{bad_schema}:3: [strip[0].css] ")


def test_only_toml_files_directly_in_the_directory_are_read(tmp_path: Path) -> None:
    write(tmp_path, "a.com")
    (tmp_path / "README.md").write_text("# rules\n")
    (tmp_path / "fixtures" / "a.com").mkdir(parents=True)
    write(tmp_path / "fixtures", "nested.com")
    ruleset = load_dir(tmp_path)
    assert [rule.host for rule in ruleset.rules] == ["a.com"] and ruleset.problems == ()


def test_missing_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    ruleset = load_dir(tmp_path / "nowhere")
    assert ruleset.rules == () and len(ruleset.problems) == 1
    assert "cannot read" in ruleset.problems[0][1]


def test_oversized_file_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.com", "# " + "x" * 1_000_001 + "\n")
    assert "larger than" in load_dir(tmp_path).problems[0][1]


def test_extra_host_claimed_by_another_file_is_a_problem(tmp_path: Path) -> None:
    # a.com sorts first but b.com's own file owns b.com; www.b.com is b.com's too.
    first = write(tmp_path, "a.com", 'hosts = ["x.org", "www.b.com"]\n')
    write(tmp_path, "b.com")
    write(tmp_path, "c.com", 'hosts = ["*.shared.net"]\n')
    fourth = write(tmp_path, "d.com", 'hosts = ["*.shared.net"]\n')
    ruleset = load_dir(tmp_path)
    assert [rule.host for rule in ruleset.rules] == ["b.com", "c.com"]
    messages = dict(ruleset.problems)
    assert messages[str(first)] == (f"{first}:2: [hosts[1]] 'www.b.com' is already "
                                    "claimed by b.com.toml")
    assert "'*.shared.net' is already claimed by c.com.toml" in messages[str(fourth)]
    assert ruleset.match("https://x.org/") is None  # a skipped file claims nothing


def test_version_follows_file_contents(tmp_path: Path) -> None:
    write(tmp_path, "a.com")
    first = load_dir(tmp_path).version
    assert len(first) == 12 and int(first, 16) >= 0
    assert load_dir(tmp_path).version == first
    write(tmp_path, "a.com", 'body = ["main"]\n')
    assert load_dir(tmp_path).version != first


def rule(host: str, *hosts: str) -> Rule:
    return Rule(host=host, hosts=hosts)


RULES = RuleSet(rules=(
    rule("example.com", "news.example.net", "*.blogs.example.org"),
    rule("sub.example.com"),
    rule("wild.org", "*.example.org"),
))


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/a", "example.com"),
    ("https://www.example.com/a", "example.com"),
    ("http://news.example.net/x", "example.com"),
    ("https://sub.example.com/", "sub.example.com"),
    ("https://www.sub.example.com/", "sub.example.com"),
    ("https://EXAMPLE.COM/A", "example.com"),
    ("https://example.com./a", "example.com"),
    ("https://user@example.com:8443/a", "example.com"),
    ("example.com/path", "example.com"),
    ("https://a.example.org/", "wild.org"),
    ("https://deep.a.example.org/", "wild.org"),
    ("https://x.blogs.example.org/", "example.com"),  # the longer wildcard wins
    ("https://www.wild.org/", "wild.org"),
    ("https://other.example.com/", None),  # no wildcard for example.com
    ("https://example.org/", None),  # *.example.org is subdomains only
    ("https://blogs.example.org/", "wild.org"),
    ("https://example.com.evil.net/", None),
    ("https://notexample.com/", None),
    ("", None),
    (None, None),
    ("https://[::1/", None),
])
def test_host_matching(url: str | None, expected: str | None) -> None:
    found = match(RULES, url)
    assert (found.host if found else None) == expected


def test_first_rule_keeps_a_pattern_in_a_hand_built_set() -> None:
    ruleset = RuleSet(rules=(rule("a.com", "x.org"), rule("b.com", "x.org")))
    assert ruleset.match("https://x.org/").host == "a.com"
    assert isinstance(hash(ruleset), int)


def test_repo_problems_require_tests_fixtures_and_no_placeholders(tmp_path: Path) -> None:
    write(tmp_path, "a.com")
    write(tmp_path, "b.com", '[[test]]\nfixture = "page.html"\ncontains = ["ok"]\n'
                             '\nabsent = [\n  "fine",\n  "TODO: edit me",\n]\n')
    (tmp_path / "fixtures" / "b.com").mkdir(parents=True)
    problems = [message for _, message in repo_problems(load_dir(tmp_path), tmp_path)]
    assert problems[0].endswith("[test] no [[test]]: every rule in the repository needs one "
                                "(see rules/README.md)")
    assert problems[1].startswith(f"{tmp_path / 'b.com.toml'}:3: [test[0].fixture] "
                                  "fixture not found")
    assert problems[2].startswith(f"{tmp_path / 'b.com.toml'}:6: [test[0].absent[1]] "
                                  "placeholder not replaced")
    (tmp_path / "fixtures" / "b.com" / "page.html").write_text("<p>ok</p>")
    assert len(repo_problems(load_dir(tmp_path), tmp_path)) == 2
