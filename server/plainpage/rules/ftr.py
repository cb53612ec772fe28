"""Import ftr-site-config files (FiveFilters / Instapaper ``directive: value`` rules) as rules.

``import_dir(src, out)`` writes one ``<host>.toml`` per importable ``*.txt`` file and returns an
``ImportReport``; ``convert(name, text)`` does one file. What is kept, translated, dropped and
why (see ``shared/notes/features.md`` §3a for the format):

* ``body``, ``strip``, ``dissolve`` and the value directives ``title``/``author``/``date``/
  ``next_page_link`` are XPath, translated by ``plainpage.rules.xpath``; an expression without
  an exact CSS form is listed in ``[origin] untranslated`` with the reason.
* ``strip_id_or_class``, ``strip_image_src`` and ``src_lazy_load_attr`` are plain strings with
  fixed meanings (graby's): ``[class*=x], [id*=x]``, ``img[src*=x]``, an ``attr`` transform.
* ``test_url``/``test_contains`` become ``[[example]]`` entries (live pages, never fetched).
* Dropped on principle: ``http_header(user-agent|cookie|referer)`` and the login family.
* Not imported (no equivalent in the v1 format): string replacement, single-page links, parser
  switches and the rest, each with its reason.

Host naming follows ftr: ``example.com.txt`` is host ``example.com`` (``www.`` included).
A leading-dot file ``.example.com.txt`` applies to subdomains only, never to ``example.com``
itself; it becomes ``_.example.com.toml`` with ``hosts = ["*.example.com"]``. ``_`` cannot
start a real web host name, so the file's own host never matches and only the wildcard does;
it also keeps the name apart from ``example.com.toml``, which 33 ftr domains have as well.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plainpage.errors import RuleError
from plainpage.rules.ftr_report import ImportReport
from plainpage.rules.hosts import covered, host_problem, url_host
from plainpage.rules.xpath import translate
from plainpage.rules.xpath_css import Untranslatable, attr_selector, css_name

__all__ = ["Conversion", "Directive", "ImportReport", "convert", "host_of", "import_dir",
           "parse_ftr"]

SOURCE = "ftr-site-config"
LICENCE = "public domain"
WILDCARD_LABEL = "_"
MAX_FILE_BYTES = 1 << 20

_PARAMETERISED_RE = re.compile(r"^([A-Za-z0-9_]+)\((.*?)\)\s*:(.*)$")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RULE_KEYS = ("body", "title", "author", "date", "next_page", "strip", "transform")
_EXPRESSIONS = {"body": "body", "strip": "strip", "dissolve": "transform", "title": "title",
                "author": "author", "date": "date", "next_page_link": "next_page"}
_LOGIN = "plainpage never logs in to a site: it extracts what the reader already sees"
_DROPPED = dict.fromkeys(("requires_login", "login_uri", "login_username_field",
                          "login_password_field", "login_extra_fields", "not_logged_in_xpath"),
                         _LOGIN)
_HEADERS = {
    "user-agent": "plainpage never impersonates a browser or a crawler",
    "cookie": "plainpage never sends stored cookies or sessions",
    "referer": "plainpage never forges where a request came from",
}
_NO_FETCH = "rules never fetch: this needs a second request"
_NO_OP = "the v1 rule format has no such operation"
_OWN_PIPELINE = "plainpage's own pipeline decides this for every page"
_NOT_IMPORTED = {
    "find_string": "raw-HTML string replacement is not declarative (use strip or transform)",
    "replace_string": "raw-HTML string replacement is not declarative (use strip or transform)",
    "single_page_link": _NO_FETCH, "single_page_link_in_feed": _NO_FETCH,
    "if_page_contains": "it only guards single_page_link/next_page_link",
    "autodetect_next_page": _OWN_PIPELINE, "prune": _OWN_PIPELINE, "tidy": _OWN_PIPELINE,
    "parser": _OWN_PIPELINE, "autodetect_on_failure": _OWN_PIPELINE,
    "skip_json_ld": _OWN_PIPELINE, "insert_detected_image": _OWN_PIPELINE,
    "convert_double_br_tags": _OWN_PIPELINE, "strip_comments": _OWN_PIPELINE,
    "strip_attr": _NO_OP, "post_strip_attr": _NO_OP, "wrap_in": _NO_OP, "move_into": _NO_OP,
    "native_ad_clue": _NO_OP, "footnotes": _NO_OP, "skip_id_or_class": _NO_OP,
    "http_header": "rules never fetch, so request headers have no use",
}
_STRINGS = ("strip_id_or_class", "strip_image_src", "src_lazy_load_attr")
_PARAMETERISED = frozenset({"http_header", "replace_string", "wrap_in", "move_into"})
_KNOWN = sorted({*_EXPRESSIONS, *_DROPPED, *_NOT_IMPORTED, *_STRINGS, "test_url",
                 "test_contains"})


@dataclass(frozen=True, slots=True)
class Directive:
    """One ``name: value`` (or ``name(arg): value``) line of an ftr file."""

    line: int
    name: str
    value: str
    arg: str | None = None

    @property
    def label(self) -> str:
        return self.name if self.arg is None else f"{self.name}({self.arg.lower()})"


def parse_ftr(text: str) -> tuple[list[Directive], list[str]]:
    """The directives of an ftr file, and a problem note for every line that is not one."""
    directives: list[Directive] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if found := _PARAMETERISED_RE.match(line):
            name, arg, value = found.group(1), found.group(2), found.group(3).strip()
        elif ":" in line:
            name, _, value = (part.strip() for part in line.partition(":"))
            arg = None
        else:
            problems.append(f"line {number}: not a 'directive: value' line: {line[:60]!r}")
            continue
        if not _NAME_RE.match(name):
            problems.append(f"line {number}: not a directive name: {name[:40]!r}")
        elif not value and arg is None and name != "replace_string":   # "": replace with nothing
            problems.append(f"line {number}: {name} has no value")
        else:
            directives.append(Directive(number, name, value, arg))
    return directives, problems


def host_of(filename: str) -> tuple[str, list[str]] | str:
    """(host, hosts) for an ftr file name, or why the file is no host's rules."""
    stem = filename[:-4] if filename.lower().endswith(".txt") else filename
    name = stem.lower()
    domain = name[1:] if name.startswith(".") else name
    if domain == "global":
        return "global.txt holds FTR's fallback rules for every site, not one host's"
    if "." not in domain:
        return "not a site file: the name holds no domain"
    if problem := host_problem(domain, wildcard=False):
        return f"the file name is not a host: {problem}"
    if name.startswith("."):        # ftr: subdomains only, never the bare domain
        return f"{WILDCARD_LABEL}.{domain}", [f"*.{domain}"]
    return domain, []


@dataclass
class Conversion:
    """What became of one ftr file: the rule data (None if nothing was importable) and why."""

    data: dict[str, Any] | None = None
    skip_reason: str = ""
    seen: Counter[str] = field(default_factory=Counter)        # expressions per directive
    translated: Counter[str] = field(default_factory=Counter)
    dropped: list[tuple[str, str]] = field(default_factory=list)        # (directive, why)
    not_imported: list[tuple[str, str]] = field(default_factory=list)
    untranslated: list[tuple[str, str, str]] = field(default_factory=list)  # (dir, xpath, why)
    notes: list[str] = field(default_factory=list)             # approximations made
    problems: list[str] = field(default_factory=list)          # garbage lines and typos


def convert(filename: str, text: str) -> Conversion:
    """Convert the text of one ftr file named ``filename`` (its name gives the host)."""
    result = Conversion()
    host = host_of(filename)
    if isinstance(host, str):
        result.skip_reason = host
        return result
    directives, result.problems = parse_ftr(text)
    rule: dict[str, list[Any]] = {key: [] for key in (*_RULE_KEYS, "example")}
    for directive in directives:
        _add(directive, rule, result)
    if not any(rule[key] for key in _RULE_KEYS):
        result.skip_reason = _nothing_reason(result)
        return result
    result.data = _rule_data(host, rule, result, filename)
    result.problems += _foreign_examples(host, rule["example"])
    return result


def _foreign_examples(host: tuple[str, list[str]], examples: list[Any]) -> list[str]:
    """test_urls the rule would not match (common with leading-dot files: ftr's own tooling
    never checked), so nobody trusts them as examples of this rule."""
    patterns = frozenset((host[0], *host[1]))
    where = " ".join(host[1] or [host[0]])
    return [f"test_url {example['url'][:80]!r} is not on {where}" for example in examples
            if not covered(patterns, url_host(example["url"]) or "")]


def _add(directive: Directive, rule: dict[str, list[Any]], result: Conversion) -> None:
    name, arg, label = directive.name, directive.arg, directive.label
    if arg is not None and name not in _PARAMETERISED:
        result.problems.append(f"line {directive.line}: unknown directive {label!r}")
    elif name == "http_header" and arg is not None and arg.lower() in _HEADERS:
        result.dropped.append((label, _HEADERS[arg.lower()]))
    elif name in _DROPPED:
        result.dropped.append((label, _DROPPED[name]))
    elif name in _NOT_IMPORTED:        # grouped by name: replace_string(<h2>) is replace_string
        result.not_imported.append((name if name != "http_header" else label,
                                    _NOT_IMPORTED[name]))
    elif name in _EXPRESSIONS:
        _expression(directive, rule, result)
    elif name in _STRINGS:
        _string(directive, rule, result)
    elif name in ("test_url", "test_contains"):
        _example(directive, rule["example"], result)
    else:
        close = difflib.get_close_matches(name, _KNOWN, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        result.problems.append(f"line {directive.line}: unknown directive {name!r}{hint}")


def _expression(directive: Directive, rule: dict[str, list[Any]], result: Conversion) -> None:
    name, key = directive.name, _EXPRESSIONS[directive.name]
    value = key in ("title", "author", "date", "next_page")
    found = translate(directive.value, value=value)
    reason = found.reason
    if found.ok and key == "next_page" and (found.reads == "text" or found.attr not in ("",
                                                                                      "href")):
        reason = "next_page takes a link's href, not text or another attribute"
    result.seen[name] += 1
    if reason:
        result.untranslated.append((name, directive.value, reason))
        return
    result.translated[name] += 1
    if found.note:
        result.notes.append(found.note)
    if key == "transform":
        entry: Any = {"op": "unwrap", "css": found.css}
    elif key == "strip":
        entry = {"css": found.css, "kind": "other"}
    elif found.attr and key != "next_page":
        entry = {"css": found.css, "attr": found.attr}
    else:
        entry = found.css                # next_page: the href of the element found
    if entry not in rule[key]:
        rule[key].append(entry)


def _string(directive: Directive, rule: dict[str, list[Any]], result: Conversion) -> None:
    name = directive.name
    # graby removes quotes from these values before building its XPath
    text = directive.value.replace("'", "").replace('"', "").strip()
    result.seen[name] += 1
    if not text:
        result.problems.append(f"line {directive.line}: {name} is empty once quotes are removed")
        return
    if name == "src_lazy_load_attr":
        try:
            attr = css_name(text, "attribute")
        except Untranslatable as exc:
            result.untranslated.append((name, text, str(exc)))
            return
        entry: dict[str, str] = {"op": "attr", "css": f"img[{attr}]", "from": attr, "to": "src"}
        target = rule["transform"]
    elif name == "strip_id_or_class":
        entry = {"css": f"{attr_selector('class', '*=', text)}, {attr_selector('id', '*=', text)}",
                 "kind": "other"}
        target = rule["strip"]
    else:
        entry = {"css": "img" + attr_selector("src", "*=", text), "kind": "other"}
        target = rule["strip"]
    result.translated[name] += 1
    if entry not in target:
        target.append(entry)


def _example(directive: Directive, examples: list[Any], result: Conversion) -> None:
    if directive.name == "test_url":
        examples.append({"url": directive.value})
    elif examples:
        examples[-1].setdefault("contains", []).append(directive.value)
    else:
        result.problems.append(f"line {directive.line}: test_contains before any test_url")


def _nothing_reason(result: Conversion) -> str:
    if result.untranslated:
        return "nothing importable: no expression has a CSS form"
    if result.dropped:
        return "nothing importable: only login or request-header directives"
    return "nothing importable: no extraction directives"


def _rule_data(host: tuple[str, list[str]], rule: dict[str, list[Any]], result: Conversion,
               filename: str) -> dict[str, Any]:
    data: dict[str, Any] = {"host": host[0]}
    if host[1]:
        data["hosts"] = host[1]
    data.update((key, items) for key, items in rule.items() if items)
    origin: dict[str, Any] = {"source": SOURCE, "file": filename, "licence": LICENCE}
    if result.untranslated:
        origin["untranslated"] = [f"{name}: {xpath}  ({why})"
                                  for name, xpath, why in result.untranslated]
    data["origin"] = origin
    return data


def import_dir(src: Path, out: Path) -> ImportReport:
    """Convert every ``*.txt`` in ``src`` into ``out/<host>.toml``; nothing raises for one
    bad file (it is skipped or counted as an error in the report)."""
    from plainpage.rules.fmt import dumps
    from plainpage.rules.load import parse_source

    report = ImportReport()
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for path in sorted(Path(src).glob("*.txt"), key=lambda p: p.name):
        report.seen += 1
        text = _read(path, report)
        if text is None:
            continue
        result = convert(path.name, text)
        if result.data is not None and result.data["host"] in written:
            result.data, result.skip_reason = None, \
                f"same host as {written[result.data['host']]}"
        report.add(path.name, result)
        if result.data is None:
            continue
        target = out / f"{result.data['host']}.toml"
        _write(target, _header(result.data) + dumps(result.data), path.name, report,
               parse_source)
        written[result.data["host"]] = path.name
    return report


def _header(data: dict[str, Any]) -> str:
    """A comment explaining the placeholder host of a subdomains-only file (fmt keeps it)."""
    if not data["host"].startswith(WILDCARD_LABEL + "."):
        return ""
    domain = data["host"][len(WILDCARD_LABEL) + 1:]
    return (f"# ftr's {data['origin']['file']} applies to subdomains of {domain} only, not to "
            f"{domain} itself.\n# {data['host']!r} is a placeholder host no site has: the "
            "rule matches through hosts.\n\n")


def _read(path: Path, report: ImportReport) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:      # ftr files are a few kB
            report.error(path.name, f"larger than {MAX_FILE_BYTES} bytes")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.error(path.name, f"cannot read: {exc.strerror}")
        return None
    text = raw.decode("utf-8-sig", errors="replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in raw:
        report.problems.append(f"{path.name}: not UTF-8; undecodable bytes replaced")
    return text


def _write(target: Path, text: str, source: str, report: ImportReport,
           validate: Callable[[str, str], Any]) -> None:
    try:
        validate(text, str(target))      # the same check `plainpage rules check` makes
        target.write_text(text, encoding="utf-8")
    except (RuleError, OSError) as exc:
        report.error(source, f"output {target.name} not written: {exc}")
        return
    report.imported.append(target.name)
