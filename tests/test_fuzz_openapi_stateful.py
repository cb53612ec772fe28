"""Stateful schemathesis over the API (issue 7, fuzzing): sequences of calls that follow
OpenAPI links, checked like the single calls of tests/test_web_openapi.py (no 5xx, every
answer conforms, auth enforced) plus two properties only a sequence can break:

* posted HTML never comes back from a URL fetch: every posted page carries a canary, and
  the link ``extract → extractUrl`` then fetches the very URL the page was posted for
  (the cache-poisoning case, security notes E12);
* a URL fetched once is a cache hit on every later fetch (link ``extractUrl → extract``
  re-requests a fetched page's URL by POST).

The links are added to a copy of the served document here; the document itself has none
(they would say nothing to clients that the descriptions do not).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from plainpage.fetch import FetchConfig, Fetched
from tests.web_support import AUTH, article_page, fetched, make_app

CANARY = "PLAINPAGE-CANARY-5e1d"
UNUSED_DIR = Path(__file__).parent / "never-created-by-test-fuzz-openapi-stateful"


def any_page(url: str, config: FetchConfig) -> Fetched:
    return fetched(url, article_page())  # every URL that passes the guard is a page


APP = make_app(UNUSED_DIR, fetcher=any_page, rate_limit="1000000/minute",
               fetch_rate_limit="1000000/minute")


def linked_document() -> dict[str, Any]:
    doc = copy.deepcopy(APP.extensions["plainpage"].document)
    extract = doc["paths"]["/v1/extract"]
    extract["post"]["responses"]["200"]["links"] = {"FetchThePostedUrl": {
        "operationId": "extractUrl", "parameters": {"url": "$request.body#/url"},
        "description": "Fetch the URL a page was posted for: the posted page must not "
        "come back."}}
    extract["get"]["responses"]["200"]["links"] = {"PostTheFetchedUrl": {
        "operationId": "extract", "requestBody": {"url": "$response.body#/url"},
        "description": "Ask for a fetched URL again: a cache hit."}}
    return doc


schema = schemathesis.openapi.from_dict(linked_document())
schema.app = APP


@schema.auth()
class Bearer:
    """The token, declared to schemathesis so that its auth checks know what is valid."""

    def get(self, case: Any, ctx: Any) -> str:
        return AUTH["Authorization"]

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


SEEN: dict[str, int] = {"linked": 0, "linked_fetches": 0, "repeat_fetches": 0}


class APIWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        self.posted_urls: set[str] = set()
        self.fetched: set[str] = set()

    def before_call(self, case: Any) -> None:
        body = case.body
        if isinstance(body, dict) and isinstance(body.get("html"), str):
            body["html"] += f"<p>Private note {CANARY} for this reader only.</p>"
            if isinstance(body.get("url"), str):
                self.posted_urls.add(body["url"])

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                          **kwargs: Any) -> None:
        # As in test_web_openapi: whether a schema-valid URL may be fetched is policy.
        case.validate_response(
            response, additional_checks=additional_checks, transport_kwargs=kwargs or None,
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
            recorder=getattr(self, "recorder", None))
        url = _fetched_url(case)
        if url is not None and url in self.posted_urls:
            SEEN["linked"] += 1
        if url is None or response.status_code != 200:
            return
        assert CANARY not in response.text, f"posted HTML came back for {url}"
        SEEN["linked_fetches"] += url in self.posted_urls
        if url in self.fetched:
            SEEN["repeat_fetches"] += 1
            assert response.headers.get("plainpage-cache") == ["hit"], url
        self.fetched.add(url)


def _fetched_url(case: Any) -> str | None:
    """The URL a case makes the server fetch, if any."""
    if case.method == "GET" and case.path == "/v1/extract":
        url = (case.query or {}).get("url")
        return url if isinstance(url, str) else None
    body = case.body
    if case.method == "POST" and isinstance(body, dict) and set(body) == {"url"}:
        return body["url"] if isinstance(body["url"], str) else None
    return None


def test_call_sequences_keep_posted_pages_private_and_fetches_cached() -> None:
    APIWorkflow.run(settings=settings(
        max_examples=50, stateful_step_count=6, deadline=None, database=None,
        derandomize=True, suppress_health_check=list(HealthCheck)))
    # The links were followed (most generated URLs are refused by the URL policy, so
    # whether a followed link reaches a page depends on the generated data; the same
    # sequence, with a repeat fetch answered from the cache, is checked below).
    assert SEEN["linked"] > 0, SEEN
    assert not UNUSED_DIR.exists()


def test_the_linked_sequence_by_hand_keeps_the_posted_page_private() -> None:
    # POST html+url, then GET that url (the first link), then POST {"url"} (the second).
    client = APP.test_client()
    url = "https://news.example.org/2024/05/bridge"
    html = article_page().replace("</article>", f"<p>Private note {CANARY}.</p></article>")
    posted = client.post("/v1/extract", json={"html": html, "url": url}, headers=AUTH)
    assert posted.status_code == 200 and CANARY in posted.get_data(as_text=True)
    fetched_once = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
    again = client.post("/v1/extract", json={"url": url}, headers=AUTH)
    for response in (fetched_once, again):
        assert response.status_code == 200 and CANARY not in response.get_data(as_text=True)
    assert again.headers["Plainpage-Cache"] == "hit"


def test_the_links_resolve_against_the_served_document() -> None:
    doc = linked_document()
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    links = [link for path in doc["paths"].values() for op in path.values()
             for link in op["responses"]["200"].get("links", {}).values()]
    assert len(links) == 2 and {link["operationId"] for link in links} <= ids
    assert json.dumps(doc)  # still plain JSON
