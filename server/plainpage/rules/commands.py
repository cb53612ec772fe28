"""``plainpage rules …``: the contributor commands (check, test, new, fmt, import-ftr).

An edge like the rest of the CLI: the rules directory comes from DIR, ``--rules`` or the
``PLAINPAGE_RULES_DIR`` environment variable (read here and nowhere else), falling back to
the repository's ``rules/``. Reports go to stdout; exit codes follow ``plainpage.cli``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..api import extract
from ..errors import PlainpageError, RuleError
from ..model import Article
from .fmt import format_file
from .load import RuleSet, load_dir, repo_problems
from .scaffold import new_rule
from .schema import PLACEHOLDER, Rule, RuleTest

__all__ = ["CaseResult", "check_article", "rules", "run_case"]

EXIT_FAILED = 1  # a test failed, or fmt --check found files to reformat
_rules_option = click.option(
    "--rules", "rules_dir", envvar="PLAINPAGE_RULES_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The rules directory (default: $PLAINPAGE_RULES_DIR, else the repository's rules/).")
_DIR = click.Path(file_okay=False, path_type=Path)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one [[test]] of one rule; ``failures`` is empty when it passed."""

    rule: Rule
    index: int
    test: RuleTest
    failures: tuple[str, ...]

    @property
    def label(self) -> str:
        where = f"{self.rule.name}:{self.test.line}" if self.test.line else self.rule.name
        return f"{where}  test[{self.index}] {self.test.fixture}"


def check_article(test: RuleTest, article: Article) -> list[str]:
    """Every way ``article`` misses ``test`` (phrases compared whitespace-normalised)."""
    text = _normal(article.text)
    phrases = [("title", test.title or ""), *(("contains", p) for p in test.contains),
               *(("absent", p) for p in test.absent)]
    failures = [f"{key}: placeholder not replaced: {phrase!r}"
                for key, phrase in phrases if phrase.startswith(PLACEHOLDER)]
    if test.title and _normal(test.title) != _normal(article.title or ""):
        failures.append(f"title: expected {test.title!r}, got {article.title!r}")
    failures += [f"contains: missing from the text: {phrase!r}" for phrase in test.contains
                 if not phrase.startswith(PLACEHOLDER) and _normal(phrase) not in text]
    failures += [f"absent: still in the text: {phrase!r}" for phrase in test.absent
                 if not phrase.startswith(PLACEHOLDER) and _normal(phrase) in text]
    kinds = {removed.kind for removed in article.removed}
    missing = [kind for kind in test.removed if kind not in kinds]
    if missing:
        found = ", ".join(sorted(kinds)) or "nothing"
        failures.append(f"removed: no {', '.join(missing)} removal (removed: {found})")
    return failures


def run_case(rule: Rule, index: int, rules_dir: Path) -> CaseResult:
    """Extract the test's fixture with only ``rule`` loaded and check the result."""
    test = rule.tests[index]
    fixture = rules_dir / "fixtures" / rule.host / test.fixture
    try:
        article = _extract(fixture.read_bytes(), test.url or f"https://{rule.host}/", rule)
    except OSError as exc:
        failures = [f"fixture: cannot read {fixture}: {exc.strerror or exc}"]
    except PlainpageError as exc:
        failures = [f"extract: {exc}"]
    except Exception as exc:  # the edge: one broken test must not stop the others
        failures = [f"extract: internal error: {type(exc).__name__}: {exc}"]
    else:
        failures = check_article(test, article)
    return CaseResult(rule, index, test, tuple(failures))


def _extract(html: bytes, url: str, rule: Rule) -> Article:
    # The one call into the library: a rule set holding just this rule.
    return extract(html, url, rules=RuleSet(rules=(rule,)))


def _normal(text: str) -> str:
    return " ".join(text.split())


def default_rules_dir() -> Path | None:
    """The repository's rules/ when plainpage runs from a checkout, else None."""
    default = Path(__file__).resolve().parents[3] / "rules"
    return default if default.is_dir() else None


def _rules_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    default = default_rules_dir()
    if default is None:
        raise click.UsageError("no rules directory found: pass --rules DIR "
                               "or set PLAINPAGE_RULES_DIR")
    return default


def _report_problems(problems: list[tuple[str, str]]) -> None:
    for _path, message in problems:
        click.echo(f"error: {message}")


# --- commands -------------------------------------------------------------------------------


@click.group("rules")
def rules() -> None:
    """Site rules: validate, test, create, format and import them (see rules/README.md)."""


@rules.command("check")
@click.argument("directory", required=False, type=_DIR, metavar="[DIR]")
@_rules_option
@click.option("--allow-untested", is_flag=True,
              help="Do not require a [[test]] with a present fixture (e.g. freshly imported).")
def check_command(directory: Path | None, rules_dir: Path | None, allow_untested: bool) -> None:
    """Validate every rule file in DIR and list every problem (exit 4 if any)."""
    folder = directory or _rules_dir(rules_dir)
    ruleset = load_dir(folder)
    problems = list(ruleset.problems)
    if not allow_untested:
        problems += repo_problems(ruleset, folder)
    _report_problems(problems)
    files = len({path for path, _ in problems})
    click.echo(f"{len(ruleset.rules)} rules loaded, {len(problems)} problem(s) in {files} "
               f"file(s); rule set version {ruleset.version or '-'}")
    if problems:
        sys.exit(RuleError.exit_code)


@rules.command("test")
@click.argument("host", required=False)
@_rules_option
def test_command(host: str | None, rules_dir: Path | None) -> None:
    """Run the [[test]] entries of every rule (or of HOST's rule) against their fixtures.

    Exit 1 when a test fails, 4 when a rule file is broken.
    """
    folder = _rules_dir(rules_dir)
    ruleset = load_dir(folder)
    selected = _select(ruleset, host)
    problems = [p for p in ruleset.problems if host is None or _names_host(p[0], host)]
    _report_problems(problems)
    if host is not None and not selected and not problems:
        raise click.UsageError(f"no rule for {host!r} in {folder}")
    failed = 0
    for rule in selected:
        if not rule.tests:
            click.echo(f"FAIL  {rule.name}  has no [[test]]")
            failed += 1
        for index in range(len(rule.tests)):
            result = run_case(rule, index, folder)
            click.echo(f"{'FAIL' if result.failures else 'PASS'}  {result.label}")
            for failure in result.failures:
                click.echo(f"      - {failure}")
            failed += bool(result.failures)
    total = sum(max(1, len(rule.tests)) for rule in selected)
    click.echo(f"{total - failed} passed, {failed} failed, {len(problems)} broken file(s)")
    if problems:
        sys.exit(RuleError.exit_code)
    if failed:
        sys.exit(EXIT_FAILED)


def _select(ruleset: RuleSet, host: str | None) -> list[Rule]:
    if host is None:
        return list(ruleset.rules)
    named = [rule for rule in ruleset.rules if rule.host == host.lower()]
    found = named[0] if named else ruleset.match(host)
    return [found] if found is not None else []


def _names_host(path: str, host: str) -> bool:
    return Path(path).name == f"{host.lower().removeprefix('www.')}.toml"


@rules.command("new")
@click.argument("host")
@click.option("--from", "source", required=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A saved copy of the page (becomes the test fixture).")
@click.option("--url", metavar="URL", help="The page's address (written as the test's url).")
@_rules_option
def new_command(host: str, source: Path, url: str | None, rules_dir: Path | None) -> None:
    """Write rules/HOST.toml and its fixture; the skeleton's test fails until edited.

    HOST may be a page address; it then also becomes the test's url.
    """
    try:
        rule_path, fixture = new_rule(host, source, _rules_dir(rules_dir), url=url)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {fixture}\nwrote {rule_path}")
    click.echo(f"next: replace the {PLACEHOLDER} phrases in {rule_path.name}, then run "
               f"plainpage rules test {rule_path.name.removesuffix('.toml')}")


@rules.command("fmt")
@click.argument("directory", required=False, type=_DIR, metavar="[DIR]")
@click.option("--check", "check_only", is_flag=True,
              help="Change nothing; list files that are not canonical (exit 1 if any).")
@_rules_option
def fmt_command(directory: Path | None, check_only: bool, rules_dir: Path | None) -> None:
    """Rewrite every rule file in DIR canonically (broken files are reported, left alone).

    Only the comment block at the top of a file is kept. Exit 4 when a file is broken.
    """
    folder = directory or _rules_dir(rules_dir)
    changed, broken = [], 0
    for file in sorted(folder.glob("*.toml")):
        try:
            canonical = format_file(file).encode("utf-8")
            if file.read_bytes() == canonical:
                continue
            if not check_only:
                file.write_bytes(canonical)
        except (RuleError, OSError) as exc:
            click.echo(f"error: {exc}")
            broken += 1
            continue
        changed.append(file)
        click.echo(f"{'would reformat' if check_only else 'reformatted'} {file}")
    click.echo(f"{len(changed)} file(s) {'to reformat' if check_only else 'reformatted'}, "
               f"{broken} broken")
    if broken:
        sys.exit(RuleError.exit_code)
    if check_only and changed:
        sys.exit(EXIT_FAILED)


@rules.command("import-ftr")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=_DIR, help="Directory to write the rule files to.")
def import_ftr_command(src: Path, out: Path) -> None:
    """Convert ftr-site-config files in SRC to rule files in --out, reporting what is lost."""
    from .ftr import import_dir  # written separately; only this command needs it

    report = import_dir(src, out)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(EXIT_FAILED)
