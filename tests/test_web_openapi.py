"""The OpenAPI document matches the behaviour: schemathesis fuzzes every operation in-process
(no 5xx; every response, error or not, conforms to the document), and a table of error
scenarios checks that each status a route can return is documented with its problem types."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from plainpage import errors
from plainpage.fetch import FetchConfig, Fetched
from plainpage.web.openapi import document
from plainpage.web.problems import PROBLEM_TYPES
from tests.web_support import AUTH, FakeFetcher, article_page, fetched, make_app
from tests.web_support import settings as web_settings

URL = "https://news.test/a"
EXAMPLES = 100  # per operation and phase; the whole file stays well under 60 s


def any_page(url: str, config: FetchConfig) -> Fetched:
    """A web in which every URL that passes the guard is a page: upstream failures are not
    what the fuzzing is about, so a 5xx can only be our bug."""
    return fetched(url, article_page())


# Built at import, as schemathesis.pytest.from_fixture fails under pytest 9 (it reads the
# removed Function._nodeid). A given token and an in-memory cache mean the data dir is never
# touched, which the last test checks.
UNUSED_DIR = Path(__file__).parent / "never-created-by-test-web-openapi"
APP = make_app(UNUSED_DIR, fetcher=any_page, rate_limit="1000000/minute",
               fetch_rate_limit="1000000/minute")
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_fuzzed_requests_get_documented_answers(case: Any) -> None:
    # positive_data_acceptance is left out on purpose: whether a schema-valid URL may be
    # fetched (IDNA, numeric host forms, ports, private addresses) and whether a document
    # is too complex to parse are policy no JSON Schema can state; those answers are 400
    # invalid-url / 403 blocked-destination / 422 document-too-complex, all documented.
    # Every other check runs: no 5xx, status codes, content types, headers and bodies
    # conform, schema-violating requests are refused, auth is enforced, 405 for
    # undocumented methods.
    case.call_and_validate(headers=AUTH,
                           excluded_checks=[schemathesis.checks.positive_data_acceptance])


# --- each error status is documented, with a body and headers that conform ----------------------


def _app(tmp_path: Path, **changes: Any) -> Flask:
    failures = {f"https://fail.test/{type(exc).__name__}": exc for exc in (
        errors.InvalidURL("x"), errors.BlockedDestination("x"), errors.FetchTimeout("x"),
        errors.TooManyRedirects("x"), errors.TooLarge("x"), errors.UnsupportedContentType("x"),
        errors.UpstreamStatus("x", upstream_status=402), errors.UpstreamError("x"),
        RuntimeError("x"))}
    fetcher = FakeFetcher({URL: fetched(URL, article_page()), **failures})
    return make_app(tmp_path, fetcher=fetcher, **changes)


def _get(client: Any, url: str, **headers: str) -> Any:
    return client.get("/v1/extract", query_string={"url": url}, headers={**AUTH, **headers})


SCENARIOS = {
    "fetch errors": lambda c: [_get(c, f"https://fail.test/{name}") for name in (
        "InvalidURL", "BlockedDestination", "FetchTimeout", "TooManyRedirects", "TooLarge",
        "UnsupportedContentType", "UpstreamStatus", "UpstreamError", "RuntimeError")],
    "guard": lambda c: [_get(c, "http://169.254.169.254/"), _get(c, "gopher://x.test/")],
    "401 and 403 host": lambda c: [
        c.get("/v1/extract", query_string={"url": URL}),
        c.get("/v1/rules", headers={**AUTH, "Host": "evil.test"}),
        c.get("/healthz", headers={"Host": "evil.test"})],
    "406, 415, 411, 413, 422": lambda c: [
        _get(c, URL, Accept="image/png"),
        c.post("/v1/extract", data="x", content_type="text/plain", headers=AUTH),
        c.post("/v1/extract", input_stream=io.BytesIO(b"{}"), content_type="application/json",
               headers={**AUTH, "Transfer-Encoding": "chunked"}),
        c.post("/v1/extract", data=b"{" + b" " * 70_000 + b"}",
               content_type="application/json", headers=AUTH),
        c.post("/v1/extract", json={"html": "<div>" * 50_000}, headers=AUTH)],
    "429": lambda c: [c.get("/v1/rules", headers=AUTH) for _ in range(3)],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_error_answer_is_documented_and_conforms(tmp_path: Path, name: str) -> None:
    app = _app(tmp_path, max_request_bytes=64 * 1024, rate_limit="2/minute")
    doc = app.extensions["plainpage"].document
    loaded = schemathesis.openapi.from_dict(doc)
    for response in SCENARIOS[name](app.test_client()):
        request = response.request
        operation = doc["paths"][request.path][request.method.lower()]
        assert str(response.status_code) in operation["responses"], (
            f"{request.method} {request.path} answered {response.status_code}, undocumented")
        if response.status_code >= 400:
            slug = response.get_json()["type"]
            assert response.status_code == PROBLEM_TYPES[slug].status
        loaded[request.path][request.method].validate_response(response)


def test_the_document_lists_every_problem_type_and_the_article_fields(tmp_path: Path) -> None:
    doc = document(web_settings(tmp_path))
    assert doc["openapi"] == "3.1.0"
    problem = doc["components"]["schemas"]["Problem"]
    assert problem["properties"]["type"]["enum"] == list(PROBLEM_TYPES)
    documented = {int(code) for path in doc["paths"].values() for op in path.values()
                  for code in op["responses"]}
    # 503 service-unavailable: a werkzeug 503 mapping only; no route answers it any more.
    assert {kind.status for kind in PROBLEM_TYPES.values()} - {405, 404, 503} <= documented
    article = doc["components"]["schemas"]["Article"]
    fields = set(make_app(tmp_path).test_client().post(
        "/v1/extract", json={"html": article_page()}, headers=AUTH).get_json())
    assert set(article["required"]) == set(article["properties"]) == fields
    public = {path for path, ops in doc["paths"].items() if ops["get"]["security"] == []}
    assert public == {"/healthz", "/openapi.json"}


def test_the_fuzzed_app_wrote_nothing_to_disk() -> None:
    assert not UNUSED_DIR.exists()
