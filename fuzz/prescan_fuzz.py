#!/usr/bin/env python3
"""atheris (libFuzzer) harness for the parser pre-scan, ``plainpage.extract.prescan.check``.

Properties, for any input decoded as UTF-8 (invalid bytes replaced):

* ``check`` returns or raises ``DocumentTooComplex``, with tight limits (``SMALL``, so that
  short inputs reach them) and with the defaults; anything else is a crash;
* the pre-scan's promise holds: what it accepts, Lexbor parses cheaply. Short inputs always
  parse fast, so for one input in 256 the harness repeats it up to ``AMPLIFY_BYTES`` (the
  most copies the pre-scan still accepts) and times Lexbor on that: more than
  ``PARSE_CPU_LIMIT`` seconds of CPU is a failure. (A depth comparison would not do: the
  model under-counts depth across table and select boundaries, 5x measured, where Lexbor's
  cost does not grow with depth.)

Run bounded, as tests/test_fuzz_atheris.py does, or longer by hand (docs/reliability.md):

    PYTHONPATH=server .venv/bin/python fuzz/prescan_fuzz.py -max_total_time=3600 \\
        -dict=fuzz/html.dict -timeout=10 -rss_limit_mb=2048 /tmp/prescan-corpus fuzz/seeds/prescan

libFuzzer writes new inputs into the first directory only, and a crashing input to
``crash-<sha1>`` (``-artifact_prefix=`` moves it); rerun one with the file as the argument.
"""

from __future__ import annotations

import sys
import time
import zlib

import atheris

# Only the pre-scan is instrumented (the rest of plainpage, imported on the way, is not):
# coverage feedback about the target alone, and a start-up of a second, not ten.
with atheris.instrument_imports(include=["plainpage.extract.prescan"]):
    from plainpage.extract import prescan

from selectolax.lexbor import LexborHTMLParser

from plainpage.errors import DocumentTooComplex
from plainpage.options import Options

SMALL = Options(max_depth=24, max_attributes=16, max_tag_bytes=256, max_elements=400)
DEFAULT = Options()
AMPLIFY_BYTES = 256 * 1024
AMPLIFY_ONE_IN = 256
# The pre-scan's work budget is meant to allow 0.1-0.4 s of parsing; a loaded machine
# gets a wide margin.
PARSE_CPU_LIMIT = 2.0


def accepted(text: str, options: Options) -> bool:
    try:
        prescan.check(text, options)
    except DocumentTooComplex:
        return False
    return True


def amplified(text: str) -> str | None:
    """The most copies of ``text`` (up to AMPLIFY_BYTES) that the defaults accept."""
    copies = max(1, AMPLIFY_BYTES // max(1, len(text)))
    while copies > 1:
        if accepted(text * copies, DEFAULT):
            return text * copies
        copies //= 2
    return None


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    accepted(text, SMALL)
    # 1 input in 256, picked by checksum (nothing the fuzzer can learn to aim at): the
    # instrumented pre-scan over 256 KB takes ~0.5 s, the plain checks ~0.5 ms.
    if not accepted(text, DEFAULT) or zlib.crc32(data) % AMPLIFY_ONE_IN:
        return
    big = amplified(text)
    if big is None:
        return
    started = time.process_time()
    LexborHTMLParser(big)
    spent = time.process_time() - started
    if spent > PARSE_CPU_LIMIT:
        raise AssertionError(f"pre-scan accepted {len(big)} characters ({len(big) // len(text)}"
                             f" copies) that took Lexbor {spent:.1f} s of CPU")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
