"""The command line: ``plainpage extract`` now, more subcommands (serve, rules, bench) later.

The CLI is an edge over the library: it reads bytes (decoding is the library's job), calls
``plainpage.extract``, writes the chosen rendering and turns every failure into one line on
stderr and an exit code. Group-wide settings travel in ``click.Context.obj``, never in globals.
"""

from __future__ import annotations

import codecs
import importlib
import json
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from . import __version__
from .api import extract
from .errors import FetchError, InputError, PlainpageError, RuleError
from .model import Article
from .options import Options
from .rules import RuleSet, load_dir
from .rules.commands import default_rules_dir, rules

__all__ = ["EXIT_CODES", "cli", "main", "render"]

EXIT_OK = 0
EXIT_INTERNAL = PlainpageError.exit_code
EXIT_USAGE = 2  # click's own code for usage errors
EXIT_IO = 6

#: Every exit status the CLI uses, in the order the help and the README list them.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success (also when no article text was found: a warning is printed)"),
    (EXIT_INTERNAL, "internal error; with several FILEs: at least one FILE failed"),
    (EXIT_USAGE, "usage error: unknown option, bad value, several FILEs without --out"),
    (InputError.exit_code, "the input is not usable HTML (a PDF, an image …, or too complex)"),
    (RuleError.exit_code, "a site rule file is broken"),
    (FetchError.exit_code, "fetching the page failed"),
    (EXIT_IO, "a FILE could not be read, or an output file could not be written"),
)

#: Output format → file extension used with --out.
FORMATS: dict[str, str] = {"text": ".txt", "markdown": ".md", "html": ".html", "json": ".json"}
STDIN = "-"
_STDIN_STEM = "stdin"
_DEFAULTS = Options()
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class CliState:
    """Settings of the ``plainpage`` group that every subcommand sees."""

    show_traceback: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    """One input to extract; picklable, so a worker process can run it."""

    source: str
    target: Path | None  # None: the rendering goes back to the caller (stdout)
    url: str | None
    charset: str | None
    fmt: str
    options: Options
    rules: RuleSet | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one Job: plain data, so it crosses process boundaries safely."""

    source: str
    code: int = EXIT_OK
    message: str = ""
    warning: str = ""
    output: str = ""
    trace: str = ""


def render(article: Article, fmt: str) -> str:
    """The article in one output format, ending with a newline unless empty."""
    if fmt == "json":
        return json.dumps(article.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    body = {"text": article.text, "markdown": article.markdown, "html": article.html}[fmt]
    return body if not body or body.endswith("\n") else body + "\n"


def run_job(job: Job) -> Outcome:
    """Read, extract, render and (with a target) write one input. Never raises."""
    try:
        data = _read(job.source)
    except OSError as exc:
        return Outcome(job.source, EXIT_IO, _os_message(exc))
    try:
        article = extract(data, job.url, options=job.options, charset=job.charset,
                          rules=job.rules)
        rendered = render(article, job.fmt)
    except PlainpageError as exc:
        return Outcome(job.source, exc.exit_code, str(exc))
    except Exception as exc:  # the edge: a bug costs this one input, not the whole batch
        message = f"internal error: {type(exc).__name__}: {exc}"
        return Outcome(job.source, EXIT_INTERNAL, message, trace=traceback.format_exc())
    warning = "" if article.text.strip() else "no article text found"
    if job.target is None:
        return Outcome(job.source, warning=warning, output=rendered)
    try:
        job.target.write_bytes(rendered.encode("utf-8"))
    except OSError as exc:
        return Outcome(job.source, EXIT_IO, f"{job.target}: {_os_message(exc)}")
    return Outcome(job.source, warning=warning)


def _read(source: str) -> bytes:
    if source == STDIN:
        return sys.stdin.buffer.read()
    return Path(source).read_bytes()


def _os_message(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _label(source: str) -> str:
    return "<stdin>" if source == STDIN else source


def _error_line(where: str, message: str, kind: str = "error") -> None:
    click.echo(f"plainpage: {kind}: {where}: {message}", err=True)


def _report(outcome: Outcome, state: CliState) -> None:
    """The one stderr line (plus a traceback on request) for a failure or a warning."""
    where = _label(outcome.source)
    if outcome.code != EXIT_OK:
        if state.show_traceback and outcome.trace:
            click.echo(outcome.trace.rstrip("\n"), err=True)
        _error_line(where, outcome.message)
    elif outcome.warning:
        _error_line(where, outcome.warning, kind="warning")


# --- option parsing -------------------------------------------------------------------------


def _check_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter("must be an absolute http(s) address, e.g. https://example.org/a")
    return value


def _check_charset(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown charset {value!r}") from None
    return value


def _convert(raw: str, kind: type) -> Any:
    """A --option value as the type of the Options field's default."""
    if kind is bool:
        low = raw.strip().lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError("expected true or false")
    return kind(raw.strip())


def build_options(flags: dict[str, bool], assignments: Sequence[str]) -> Options:
    """Options from the switch flags, then every ``--option NAME=VALUE`` on top."""
    defaults = {name: default for name, default, _help in Options.describe()}
    values: dict[str, Any] = dict(flags)
    for pair in assignments:
        name, sep, raw = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="'--option'")
        if name not in defaults:
            known = ", ".join(defaults)
            raise click.BadParameter(f"unknown option {name!r}; known: {known}",
                                     param_hint="'--option'")
        try:
            values[name] = _convert(raw, type(defaults[name]))
        except ValueError as exc:
            raise click.BadParameter(f"{name}: {exc}", param_hint="'--option'") from None
    return Options.from_mapping(values)


def plan_targets(files: Sequence[str], out: Path | None, fmt: str) -> list[Path | None]:
    """Where each input's rendering goes; refuses ambiguous or destructive plans."""
    if len(files) > 1 and out is None:
        raise click.UsageError("several FILEs need --out DIR (one output file per FILE)")
    if STDIN in files and len(files) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other FILEs")
    if out is None:
        return [None]
    seen: dict[Path, str] = {}
    for source in files:
        stem = _STDIN_STEM if source == STDIN else Path(source).stem
        target = out / (stem + FORMATS[fmt])
        if target in seen:
            raise click.UsageError(f"{seen[target]} and {source} would both be written to {target}")
        if source != STDIN and Path(source).resolve() == target.resolve():
            raise click.UsageError(f"{source} would be overwritten by its own output")
        seen[target] = source
    return list(seen)


# --- running --------------------------------------------------------------------------------


def _outcomes(jobs: Sequence[Job], workers: int) -> Iterator[Outcome]:
    """Outcomes in input order (one process) or completion order (a worker pool)."""
    if workers == 1 or len(jobs) == 1:
        yield from map(run_job, jobs)
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)))
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory, crashed)
                yield Outcome(futures[future].source, EXIT_INTERNAL,
                              "internal error: the worker process died")
    finally:
        pool.shutdown(cancel_futures=True)


def run_batch(jobs: Sequence[Job], workers: int, state: CliState) -> int:
    """Run every job, writing files; report each failure; return the exit status."""
    failed: list[Outcome] = []
    stderr = sys.stderr
    # The bar only makes sense on a terminal; elsewhere click would print its label alone.
    hidden = len(jobs) < 2 or not stderr.isatty()
    with click.progressbar(length=len(jobs), label="extracting", file=stderr,
                           hidden=hidden) as bar:
        for outcome in _outcomes(jobs, workers):
            if not hidden and (outcome.code or outcome.warning):
                stderr.write("\r\x1b[2K")  # clear the bar's line so the message stands alone
            _report(outcome, state)
            if outcome.code:
                failed.append(outcome)
            bar.update(1)
    click.echo(f"{len(jobs) - len(failed)} extracted, {len(failed)} failed", err=True)
    if not failed:
        return EXIT_OK
    return failed[0].code if len(jobs) == 1 else EXIT_INTERNAL


def run_single(job: Job, state: CliState) -> int:
    """Extract one input to stdout (as UTF-8 whatever the locale); return the exit status."""
    outcome = run_job(job)
    _report(outcome, state)
    if outcome.code == EXIT_OK and outcome.output:
        try:
            sys.stdout.buffer.write(outcome.output.encode("utf-8"))
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): no traceback, and no second failure when
            # Python flushes stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_IO
    return outcome.code


# --- commands -------------------------------------------------------------------------------


def _epilog() -> str:
    # "\b" keeps click from re-wrapping the table into one paragraph.
    rows = [f"  {code}  {meaning}" for code, meaning in EXIT_CODES]
    return "\n".join(["\b", "Exit codes:", *rows])


class LazyGroup(click.Group):
    """A group whose heavier subcommands are imported only when asked for: ``plainpage
    extract`` never imports the web package (Flask, flask-limiter, redis …)."""

    #: Subcommand name → (module, attribute) of its click command.
    LAZY: dict[str, tuple[str, str]] = {"serve": ("plainpage.web.serve", "serve")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            module, attribute = self.LAZY[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(name="plainpage", cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plainpage")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="Print the traceback of an internal error (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, show_traceback: bool) -> None:
    """plainpage: the article of a web page, and nothing else."""
    ctx.obj = CliState(show_traceback=show_traceback)


@cli.command("extract", epilog=_epilog())
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--url", metavar="URL", callback=_check_url,
              help="The page's address: resolves relative links and images (used for every FILE).")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format; json is Article.to_dict().")
@click.option("--charset", metavar="CHARSET", callback=_check_charset,
              help="Charset the bytes are declared in (as HTTP Content-Type would say).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per FILE into this directory (needed for several FILEs).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes for several FILEs.")
@click.option("--fallback/--no-fallback", default=_DEFAULTS.fallback, show_default=True,
              help="Ask readability-lxml for a second opinion when confidence is low.")
@click.option("--images/--no-images", default=_DEFAULTS.include_images, show_default=True,
              help="Keep figures and images.")
@click.option("--tables/--no-tables", default=_DEFAULTS.include_tables, show_default=True,
              help="Keep tables.")
@click.option("--links/--no-links", default=_DEFAULTS.include_links, show_default=True,
              help="Keep links in HTML and Markdown.")
@click.option("--option", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Set any plainpage.Options field, e.g. --option max_depth=8000. Repeatable.")
@click.option("--rules", "rules_dir", envvar="PLAINPAGE_RULES_DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Site rules to apply by --url's host (default: $PLAINPAGE_RULES_DIR, else "
                   "the repository's rules/).")
@click.option("--no-rules", is_flag=True, help="Generic extraction only, no site rules.")
@click.pass_obj
def extract_command(  # noqa: PLR0913 - click hands every option over as an argument
    state: CliState, files: tuple[str, ...], url: str | None, fmt: str, charset: str | None,
    out: Path | None, jobs: int, fallback: bool, images: bool, tables: bool, links: bool,
    assignments: tuple[str, ...], rules_dir: Path | None, no_rules: bool,
) -> None:
    """Extract the article from each FILE (an HTML file, or - for standard input).

    With one FILE the result goes to standard output. With --out DIR each FILE becomes
    DIR/<name>.txt|.md|.html|.json, and a line "N extracted, M failed" ends the run.
    Errors are one line each on stderr: "plainpage: error: FILE: message".
    """
    flags = {"fallback": fallback, "include_images": images, "include_tables": tables,
             "include_links": links}
    options = build_options(flags, assignments)
    ruleset = None if no_rules or url is None else load_rules(rules_dir)
    targets = plan_targets(files, out, fmt)
    batch = [Job(source, target, url, charset, fmt, options, ruleset)
             for source, target in zip(files, targets, strict=True)]
    if out is None:
        sys.exit(run_single(batch[0], state))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _error_line(str(out), _os_message(exc))
        sys.exit(EXIT_IO)
    sys.exit(run_batch(batch, jobs, state))


def load_rules(rules_dir: Path | None) -> RuleSet | None:
    """The site rules for ``extract``: the given directory, else the repository's rules/
    when plainpage runs from a checkout. Broken rule files are reported and skipped."""
    directory = rules_dir or default_rules_dir()
    if directory is None:
        return None
    ruleset = load_dir(directory)
    for path, message in ruleset.problems:
        click.echo(f"plainpage: warning: rule skipped: {path}: {message}", err=True)
    return ruleset


cli.add_command(rules)


def main() -> None:
    """Console-script entry point; ``python -m plainpage`` calls it too."""
    cli(prog_name="plainpage")
