"""The repository's own rules/: every file loads, is canonically formatted, carries a
[[test]] with its fixture, and every test passes. This is what fails a rule pull request
whose fixture does not pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from plainpage.rules import load_dir
from plainpage.rules.commands import run_case
from plainpage.rules.fmt import format_file
from plainpage.rules.load import repo_problems

RULES = Path(__file__).resolve().parents[1] / "rules"
RULESET = load_dir(RULES)
CASES = [(rule, index) for rule in RULESET.rules for index in range(len(rule.tests))]


def test_every_rule_file_loads() -> None:
    files = sorted(path.name for path in RULES.glob("*.toml"))
    assert files, "rules/ holds no rule files"
    assert not RULESET.problems, RULESET.problems
    assert sorted(Path(rule.path).name for rule in RULESET.rules) == files


def test_every_rule_has_a_test_and_its_fixture() -> None:
    assert repo_problems(RULESET, RULES) == []


@pytest.mark.parametrize("path", sorted(RULES.glob("*.toml")), ids=lambda p: p.name)
def test_rule_file_is_canonically_formatted(path: Path) -> None:
    assert format_file(path) == path.read_text(encoding="utf-8"), \
        f"run: plainpage rules fmt  (it rewrites {path.name})"


@pytest.mark.parametrize(("rule", "index"), CASES,
                         ids=[f"{rule.host}-{index}" for rule, index in CASES])
def test_rule_fixture_passes(rule, index) -> None:  # noqa: ANN001 - pytest params
    result = run_case(rule, index, RULES)
    assert not result.failures, f"{result.label}:\n" + "\n".join(result.failures)
