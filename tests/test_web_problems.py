"""RFC 9457 problems: every error is application/problem+json with a documented slug, for
library errors, request-shape errors and routing errors alike; no traceback ever leaves."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException, ImATeapot, NotImplemented

import plainpage.errors as errors
from plainpage.errors import PlainpageError
from plainpage.web.problems import PROBLEM_TYPES, Problem, problem_for
from tests.web_support import AUTH, PROBLEM_KEYS, FakeFetcher, make_app

URL = "https://news.test/a"


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


LIBRARY_ERRORS = [PlainpageError, *_subclasses(PlainpageError)]


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return make_app(tmp_path).test_client()


def assert_problem(response, status: int, slug: str) -> dict:
    """The response is a well-formed problem of this status and type; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body) <= PROBLEM_KEYS | {"upstream_status", "retry_after"}
    assert body["type"] == slug and body["status"] == status
    assert body["title"] == PROBLEM_TYPES[slug].title
    assert body["instance"].startswith("urn:uuid:") and body["detail"]
    return body


@pytest.mark.parametrize("cls", LIBRARY_ERRORS, ids=lambda c: c.__name__)
def test_every_library_error_has_a_documented_type_with_its_status(cls: type) -> None:
    assert cls.type in PROBLEM_TYPES, f"{cls.__name__}.type {cls.type!r} is not documented"
    assert PROBLEM_TYPES[cls.type].status == cls.status
    assert PROBLEM_TYPES[cls.type].title == cls.title


def test_the_slug_list_is_the_documented_one() -> None:
    required = {"invalid-url", "blocked-destination", "fetch-timeout", "too-large",
                "unsupported-content-type", "upstream-status", "too-many-redirects",
                "upstream-error", "not-html", "document-too-complex", "rate-limited",
                "unauthorized", "forbidden-host", "bad-request", "not-found",
                "method-not-allowed", "payload-too-large", "internal-error"}
    assert required <= set(PROBLEM_TYPES)
    assert all(400 <= kind.status <= 599 for kind in PROBLEM_TYPES.values())


FETCH_ERRORS = [
    (errors.InvalidURL("bad"), 400, "invalid-url"),
    (errors.BlockedDestination("private"), 403, "blocked-destination"),
    (errors.FetchTimeout("slow"), 504, "fetch-timeout"),
    (errors.TooManyRedirects("loop"), 502, "too-many-redirects"),
    (errors.TooLarge("big"), 502, "too-large"),
    (errors.UnsupportedContentType("pdf"), 415, "unsupported-content-type"),
    (errors.UpstreamStatus("status 500", upstream_status=500), 502, "upstream-status"),
    (errors.UpstreamError("reset"), 502, "upstream-error"),
    (errors.FetchError("generic"), 502, "fetch-error"),
]


@pytest.mark.parametrize(("exc", "status", "slug"), FETCH_ERRORS, ids=lambda v: str(v))
def test_fetch_errors_become_their_problems(tmp_path: Path, exc: Exception, status: int,
                                            slug: str) -> None:
    client = make_app(tmp_path, fetcher=FakeFetcher({URL: exc})).test_client()
    for accept in ("application/json", "text/html"):  # problems ignore Accept
        response = client.get("/v1/extract", query_string={"url": URL},
                              headers={**AUTH, "Accept": accept})
        body = assert_problem(response, status, slug)
        assert body["detail"] == exc.detail  # type: ignore[attr-defined]


@pytest.mark.parametrize(("code", "paywall"), [(401, True), (402, True), (403, True),
                                                (404, False), (503, False)])
def test_upstream_status_names_the_code_and_hints_at_paywalls(tmp_path: Path, code: int,
                                                              paywall: bool) -> None:
    exc = errors.UpstreamStatus(f"the upstream answered with status {code}",
                                upstream_status=code)
    client = make_app(tmp_path, fetcher=FakeFetcher({URL: exc})).test_client()
    body = assert_problem(client.post("/v1/extract", json={"url": URL}, headers=AUTH),
                          502, "upstream-status")
    assert body["upstream_status"] == code and str(code) in body["detail"]
    assert ("paywall" in body["detail"]) is paywall


@pytest.mark.parametrize(("raw", "why"), [
    (b"{not json", "not valid JSON"),
    (b"[]", "JSON object"),
    (b'"html"', "JSON object"),
    (b'{"url": 5}', "'url' must be a string"),
    (b'{"html": null}', "'html' must be a string"),
    (b'{"html": "<p>x</p>", "options": {}}', "unknown key(s) 'options'"),
    (b"{}", 'send {"url"'),
    (b"", "not valid JSON"),
    (b'{"html": "\xff\xfe"}', "not valid JSON"),  # invalid UTF-8
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),  # nesting past the stack
])
def test_malformed_bodies_are_bad_requests(client: FlaskClient, raw: bytes, why: str) -> None:
    response = client.post("/v1/extract", data=raw, content_type="application/json",
                           headers=AUTH)
    assert why in assert_problem(response, 400, "bad-request")["detail"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative", "ftp://x.test/",
                                 "http://[::1", "https://" + "a" * 3000 + ".test/"])
def test_a_posted_page_url_must_be_absolute_http(client: FlaskClient, url: str) -> None:
    response = client.post("/v1/extract", json={"html": "<p>x</p>", "url": url},
                           headers=AUTH)
    assert_problem(response, 400, "invalid-url")


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", None])
def test_bodies_must_be_json(client: FlaskClient, ctype: str | None) -> None:
    response = client.post("/v1/extract", data=b'{"html": "<p>x</p>"}', content_type=ctype,
                           headers=AUTH)
    assert_problem(response, 415, "unsupported-media-type")


def test_routing_errors_are_problems_too(client: FlaskClient) -> None:
    assert_problem(client.get("/nope", headers=AUTH), 404, "not-found")
    assert_problem(client.get("/v1/extract/", headers=AUTH), 404, "not-found")
    response = client.put("/v1/extract", headers=AUTH)
    assert_problem(response, 405, "method-not-allowed")
    assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))


def test_url_query_parameter_is_required(client: FlaskClient) -> None:
    assert_problem(client.get("/v1/extract", headers=AUTH), 400, "bad-request")


def test_too_complex_and_non_html_documents(client: FlaskClient) -> None:
    deep = client.post("/v1/extract", json={"html": "<div>" * 100_000}, headers=AUTH)
    assert_problem(deep, 422, "document-too-complex")
    many = "<div " + " ".join(f"a{i}=1" for i in range(40_000)) + ">x</div>"
    wide = client.post("/v1/extract", json={"html": many}, headers=AUTH)
    assert_problem(wide, 422, "document-too-complex")


def test_too_many_elements_for_the_service_budget_are_refused(client: FlaskClient) -> None:
    # 100 000 sibling divs parse fast but take ~9 s to extract: over the service's limit.
    html = "<html><body>" + "<div>short text</div>" * 100_000 + "</body></html>"
    response = client.post("/v1/extract", json={"html": html}, headers=AUTH)
    assert "elements" in assert_problem(response, 422, "document-too-complex")["detail"]


def test_an_internal_error_is_a_problem_without_internals(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="plainpage.web")

    def broken(url: str, config: object) -> None:
        raise RuntimeError("secret detail for " + url)  # the message, not the source line

    client = make_app(tmp_path, fetcher=broken).test_client()
    response = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    body = assert_problem(response, 500, "internal-error")
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "RuntimeError" not in text and "secret" not in text
    # The log has where it happened (for the operator), but not the message.
    assert body["instance"].removeprefix("urn:uuid:") in caplog.text
    assert "RuntimeError" in caplog.text and "in broken" in caplog.text
    assert f"secret detail for {URL}" not in caplog.text


@pytest.mark.parametrize(("exc", "status", "slug"), [
    (ImATeapot(), 418, "bad-request"),  # an unknown 4xx keeps its status
    (NotImplemented(), 501, "internal-error"),
    (Problem("forbidden-host", "no"), 403, "forbidden-host"),
])
def test_problem_for_maps_unlisted_http_errors_by_class(exc: Exception, status: int,
                                                         slug: str) -> None:
    body, _headers = problem_for(exc, "urn:uuid:x")
    assert (body["status"], body["type"]) == (status, slug)


def test_undocumented_problem_types_cannot_be_raised() -> None:
    with pytest.raises(ValueError):
        Problem("teapot", "no")


def test_http_exception_headers_are_kept_but_not_its_html() -> None:
    from werkzeug.exceptions import MethodNotAllowed

    body, headers = problem_for(MethodNotAllowed(valid_methods=["GET"]))
    assert headers == {"Allow": "GET"} and "<" not in body["detail"]
    assert isinstance(MethodNotAllowed(), HTTPException)


def test_docs_list_every_problem_type_as_the_table_has_it() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "service.md").read_text(encoding="utf-8")
    for slug, kind in PROBLEM_TYPES.items():
        assert f"| `{slug}` | {kind.status} | {kind.meaning} |" in docs, slug


def test_host_busy_is_429_with_retry_after() -> None:
    body, headers = problem_for(errors.HostBusy("4 fetches running", retry_after=2), "urn:x")
    assert (body["type"], body["status"], body["retry_after"]) == ("rate-limited", 429, 2)
    assert headers == {"Retry-After": "2"}
