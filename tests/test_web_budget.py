"""How long and how much memory one request may use (security notes R8): the extraction's
time budget (``Options.time_budget``, checked between stages and inside classify's
link-list loop), its 422 at the web edge, the gunicorn worker's memory limit, and
``plainpage extract`` not loading the web package at all."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import plainpage
from plainpage import Options
from plainpage.errors import DocumentTooComplex, OverBudget
from plainpage.extract import candidates, classify, clean, parse, signals
from plainpage.extract.budget import STRIDE, Budget
from plainpage.web import serve as serve_module
from tests.web_support import AUTH, article_page, make_app, settings

PARA = "The river rose overnight and the old bridge stood in brown water up to its arch. "


def deep_page(depth: int, blocks: int) -> str:
    """``blocks`` towers of ``depth`` nested divs: costly for passes that walk subtrees."""
    return "<html><body>" + ("<div>" * depth + PARA + "</div>" * depth) * blocks + \
        "</body></html>"


def test_no_budget_by_default_and_a_budget_that_is_not_spent_changes_nothing() -> None:
    page = article_page()
    assert Options().time_budget == 0
    assert plainpage.extract(page, options=Options(time_budget=30)) == plainpage.extract(page)


def test_a_spent_budget_stops_the_extraction_between_stages() -> None:
    with pytest.raises(OverBudget, match=r"0\.001 s budget \(stopped in parse\)") as raised:
        plainpage.extract(deep_page(200, 10), options=Options(time_budget=1e-3))
    assert isinstance(raised.value, DocumentTooComplex)  # the same 422 as the pre-scan's


def test_classify_ticks_the_budget_inside_its_link_list_loop() -> None:
    # The pass that grows with elements x depth; the stages before it ran without a budget.
    body = "".join(f"<div><p>{PARA}{n}</p></div>" for n in range(3 * STRIDE))
    page = parse.parse(f"<html><body><article>{body}</article></body></html>", None)
    options = Options()
    pending = clean.clean(page, options)
    sig = signals.compute(page, options)
    choice = candidates.choose(page, sig, options)
    assert choice.root is not None and len(choice.root.css("div")) > STRIDE
    with pytest.raises(OverBudget, match="stopped in classify"):
        classify.classify(page, choice, sig, options, pending, budget=Budget(1e-9))
    assert classify.classify(page, choice, sig, options, pending) is not None


def test_budget_reads_the_clock_only_every_stride_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[float] = []
    real = time.perf_counter
    budget, unlimited = Budget(5.0), Budget(0)
    monkeypatch.setattr(time, "perf_counter", lambda: reads.append(1.0) or real())
    for _ in range(STRIDE * 3):
        budget.tick("loop")
    assert len(reads) == 3
    unlimited.check("anything")  # no budget: never raises, never reads the clock
    assert len(reads) == 3


def test_the_worst_deep_document_stops_near_the_budget() -> None:
    # Accepted by the pre-scan (depth x elements under its budget), yet about 2 s of classify
    # on this machine without a budget.
    document = deep_page(1000, 20)
    started = time.perf_counter()
    with pytest.raises(OverBudget):
        plainpage.extract(document, options=Options(time_budget=0.3))
    assert time.perf_counter() - started < 0.3 + 1.0


def test_the_service_sets_the_budget_and_answers_422(tmp_path: Path) -> None:
    client = make_app(tmp_path, extract_budget=0.05).test_client()
    response = client.post("/v1/extract", json={"html": deep_page(1000, 20)}, headers=AUTH)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "document-too-complex" and "0.05 s budget" in problem["detail"]
    assert client.post("/v1/extract", json={"html": article_page()},
                       headers=AUTH).status_code == 200


def test_the_budget_does_not_change_the_cache_key(tmp_path: Path) -> None:
    one = make_app(tmp_path, extract_budget=5).extensions["plainpage"]
    two = make_app(tmp_path, extract_budget=9).extensions["plainpage"]
    assert one.options.time_budget == 5 and two.options.time_budget == 9
    assert one.results._key("https://a.test/") == two.results._key("https://a.test/")


def test_running_out_of_memory_is_a_422_not_a_500(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from plainpage.web import service as service_module

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(service_module, "extract", exhausted)
    response = make_app(tmp_path).test_client().post("/v1/extract",
                                                     json={"html": article_page()}, headers=AUTH)
    assert response.status_code == 422 and "memory" in response.get_json()["detail"]


def test_worker_timeout_stays_above_the_budget(tmp_path: Path) -> None:
    for budget in (1, 10, 60):
        s = settings(tmp_path, extract_budget=budget)
        assert s.worker_timeout > s.fetch.total_timeout + budget
        assert serve_module.gunicorn_options(s)["timeout"] == s.worker_timeout


# -- the worker's memory limit -------------------------------------------------------------------

_CHILD = """
import os, resource, sys
from plainpage.web.serve import post_fork
post_fork(None, None)
soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
print(soft // 2**20 if soft != resource.RLIM_INFINITY else "none")
try:
    block = bytearray(int(sys.argv[1]) * 2**20)
    print("allocated")
except MemoryError:
    print("MemoryError")
"""


def _child(env_limit: str, allocate_mib: int) -> list[str]:
    env = {**os.environ, "PLAINPAGE_WORKER_MEMORY": env_limit}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(allocate_mib)], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def test_post_fork_limits_the_worker_address_space() -> None:
    assert _child("600", 1024) == ["600", "MemoryError"]
    assert _child("0", 64) == ["none", "allocated"]  # 0: no limit


def test_gunicorn_gets_the_hook_as_an_import_string(tmp_path: Path) -> None:
    options = serve_module.gunicorn_options(settings(tmp_path))
    assert options["post_fork"] == "plainpage.web.serve.post_fork"  # repr-able for a conf file
    assert settings(tmp_path).worker_memory_mb == 2048
    with pytest.raises(ValueError):
        settings(tmp_path, worker_memory_mb=-1)


# -- the command line ----------------------------------------------------------------------------

def test_plainpage_extract_never_imports_the_web_package(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(article_page(), encoding="utf-8")
    probe = ("import sys\nfrom plainpage.cli import main\nsys.argv = ['plainpage', 'extract', "
             f"{str(page)!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('plainpage.web', 'flask'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip().endswith("[]"), done.stdout[-300:]
    assert "The river rose overnight" in done.stdout  # it did extract


# -- the readability second opinion under a budget -----------------------------------------------

def _weak_page() -> str:
    """Short link items only: our confidence stays low, so the second opinion is asked."""
    items = "".join(f"<div class=c{n % 7}><span>item {n}</span> <a href=/{n}>more</a></div>"
                    for n in range(60))
    return f"<html><body>{items}</body></html>"


@pytest.mark.parametrize(("half_left", "asked"), [(True, 1), (False, 0)])
def test_the_second_opinion_is_skipped_once_half_the_budget_is_spent(
        monkeypatch: pytest.MonkeyPatch, half_left: bool, asked: int) -> None:
    from plainpage.extract import budget as budget_module
    from plainpage.extract import fallback

    calls: list[str] = []
    monkeypatch.setattr(fallback, "second_opinion",
                        lambda *args, **kwargs: calls.append("asked"))
    monkeypatch.setattr(budget_module.Budget, "half_left", lambda self: half_left)
    plainpage.extract(_weak_page(), options=Options(time_budget=30))
    assert len(calls) == asked


def test_half_left_follows_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    budget = Budget(10)
    now[0] = 104.9
    assert budget.half_left()
    now[0] = 105.1
    assert not budget.half_left()
    assert Budget(0).half_left()  # no budget: always
