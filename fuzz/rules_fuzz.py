#!/usr/bin/env python3
"""atheris (libFuzzer) harness for the site-rule loader, ``plainpage.rules.load`` from TOML
text (``parse_source``, what ``load_file`` and ``load_dir`` run on every file).

Properties, for any input decoded as UTF-8 (invalid bytes replaced):

* ``parse_source`` returns a Rule or raises a ``RuleError`` (syntax or schema); anything else
  is a crash (a KeyError, TypeError, an uncaught selector error …);
* a rule it accepts can be used: extracting a small page at the rule's host with it gives an
  Article (or an InputError), never an exception from applying the rule.

Run bounded, as tests/test_fuzz_atheris.py does, or longer by hand (docs/reliability.md):

    PYTHONPATH=server .venv/bin/python fuzz/rules_fuzz.py -max_total_time=3600 \\
        -dict=fuzz/rules.dict -timeout=5 /tmp/rules-corpus fuzz/seeds/rules rules
"""

from __future__ import annotations

import sys
import tomllib

import atheris

# Only the rule code and the TOML parser are instrumented, not the rest of plainpage.
with atheris.instrument_imports(include=["plainpage.rules", "tomllib"]):
    from plainpage.rules import RuleSet
    from plainpage.rules.load import parse_source

from plainpage import extract
from plainpage.errors import InputError, RuleError
from plainpage.options import Options

PAGE = ("<html><head><title>T</title></head><body><header class=top-bar>Support us</header>"
        "<article class=article__content><h1 class=title>Headline</h1><p class=byline>By A"
        "</p><p>First paragraph of the story with enough words to be the text.</p><div "
        "class=box>we have a small favor to ask</div><p>Second paragraph.</p></article>"
        "<footer>Links</footer></body></html>")
OPTIONS = Options(fallback=False)


def test_one_input(data: bytes) -> None:
    source = data.decode("utf-8", "replace")
    try:  # a rule's host must match its file name: name the file after it, when there is one
        host = tomllib.loads(source).get("host")
    except tomllib.TOMLDecodeError:
        host = None
    path = f"{host}.toml" if isinstance(host, str) and "/" not in host else "fuzz.toml"
    try:
        rule, _raw = parse_source(source, path)
    except RuleError:
        return
    host = rule.host.removeprefix("*.")
    try:
        extract(PAGE, f"https://{host}/a", options=OPTIONS, rules=RuleSet((rule,)))
    except InputError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
