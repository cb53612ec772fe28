"""The atheris harnesses of fuzz/ run for a bounded time in the suite (issue 7, fuzzing).

Each harness runs in a subprocess (libFuzzer ends the process on a crash) for
``SECONDS``, from its seeds and dictionary, with a fresh corpus in the test's temp dir; the
test fails on any crash, timeout or leak libFuzzer reports and shows the crashing input.
Longer runs: docs/reliability.md. atheris is in the dev extra; without it this test fails
with the install command (it never skips).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
SECONDS = 12
HARNESSES = {
    "prescan": ("prescan_fuzz.py", "html.dict", [FUZZ / "seeds" / "prescan"]),
    "rules": ("rules_fuzz.py", "rules.dict", [FUZZ / "seeds" / "rules", ROOT / "rules"]),
}


@pytest.mark.parametrize("name", HARNESSES)
def test_harness_runs_without_a_crash(name: str, tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.fail("atheris is not installed: pip install -e '.[dev]' (or pip install "
                    "atheris); it ships wheels for Linux x86-64", pytrace=False)
    script, dictionary, seeds = HARNESSES[name]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, str(FUZZ / script), f"-max_total_time={SECONDS}", "-timeout=10",
         "-rss_limit_mb=2048", f"-dict={FUZZ / dictionary}", f"-artifact_prefix={tmp_path}/",
         "-print_final_stats=1", str(corpus), *map(str, seeds)],
        capture_output=True, text=True, timeout=SECONDS + 60, env=env, check=False)
    crashes = sorted(p for p in tmp_path.iterdir() if p.is_file())
    shown = "\n".join(f"{p.name}: {p.read_bytes()[:400]!r}" for p in crashes)
    assert done.returncode == 0 and not crashes, f"{shown}\n{done.stderr[-4000:]}"
    runs = int(done.stderr.split("stat::number_of_executed_units:")[1].split()[0])
    assert runs > 1_000, done.stderr[-2000:]  # it really fuzzed
    assert list(corpus.iterdir()), "no input reached new coverage"
