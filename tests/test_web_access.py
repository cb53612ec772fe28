"""Access control: the personal token (file, permissions, races), shared-mode API keys, the
Host allowlist against DNS rebinding, CORS for configured origins only; settings from the
environment; the `serve` command."""

from __future__ import annotations

import inspect
import re
import stat
import sys
import threading
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from plainpage.cli import cli
from plainpage.web import create_app
from plainpage.web import serve as serve_module
from plainpage.web import settings as settings_module
from plainpage.web.access import TOKEN_FILE, ensure_token, host_name
from plainpage.web.settings import WEB_MAX_ELEMENTS, WebSettings, hash_key
from tests.web_support import AUTH, TOKEN, MemoryCache, make_app, settings

KEY_A = "key-a-0123456789abcdef"
KEY_B = "key-b-0123456789abcdef"
EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# --- the personal token -------------------------------------------------------------------------


def test_first_start_creates_a_private_token_file_and_later_starts_reuse_it(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = create_app(settings(data, token=None), cache=MemoryCache())
    path = data / TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text().strip()
    assert len(token) >= 32
    assert app.extensions["plainpage"].token_file == path
    client = app.test_client()
    assert client.get("/v1/rules", headers=bearer(token)).status_code == 200
    assert client.get("/v1/rules", headers=bearer(token + "x")).status_code == 401
    create_app(settings(data, token=None), cache=MemoryCache())
    assert path.read_text().strip() == token  # a restart keeps the token


def test_workers_starting_together_agree_on_one_token(tmp_path: Path) -> None:
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(ensure_token(tmp_path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 8 and len(set(tokens)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [TOKEN_FILE]  # no temp files left


def test_a_token_file_others_can_read_is_refused(tmp_path: Path) -> None:
    ensure_token(tmp_path)
    (tmp_path / TOKEN_FILE).chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        create_app(settings(tmp_path, token=None), cache=MemoryCache())


def test_plainpage_token_overrides_the_file(tmp_path: Path) -> None:
    env = {"PLAINPAGE_TOKEN": TOKEN, "PLAINPAGE_DATA_DIR": str(tmp_path)}
    app = create_app(WebSettings.from_env(env), cache=MemoryCache())
    assert not (tmp_path / TOKEN_FILE).exists()
    assert app.extensions["plainpage"].token_file is None
    assert app.test_client().get("/v1/rules", headers=AUTH).status_code == 200


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}",
                                    f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", TOKEN])
def test_requests_without_the_token_get_401(tmp_path: Path, header: str | None) -> None:
    client = make_app(tmp_path).test_client()
    headers = {} if header is None else {"Authorization": header}
    response = client.post("/v1/extract", json={"html": "<p>x</p>"}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["type"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_scheme_is_case_insensitive_and_public_routes_need_nothing(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    assert client.get("/v1/rules", headers={"Authorization": f"bearer {TOKEN}"}).status_code \
        == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


# --- shared mode ----------------------------------------------------------------------------------


def test_shared_mode_needs_api_keys(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="API key"):
        WebSettings(mode="shared", data_dir=tmp_path)
    with pytest.raises(ValueError, match="16 characters"):
        WebSettings(mode="shared", data_dir=tmp_path, api_keys=("short",))


def test_shared_mode_accepts_each_key_plain_or_hashed_and_nothing_else(tmp_path: Path) -> None:
    keys = (KEY_A, f"sha256:{hash_key(KEY_B)}")
    app = make_app(tmp_path, mode="shared", token=None, api_keys=keys)
    client = app.test_client()
    assert not (tmp_path / TOKEN_FILE).exists()  # no personal token in shared mode
    for key in (KEY_A, KEY_B):
        assert client.get("/v1/rules", headers=bearer(key)).status_code == 200
    for wrong in (TOKEN, hash_key(KEY_B), KEY_A.upper()):
        assert client.get("/v1/rules", headers=bearer(wrong)).status_code == 401
    assert KEY_A not in repr(app.extensions["plainpage"].settings)


def test_shared_mode_refuses_https_to_http_redirects(tmp_path: Path) -> None:
    shared = settings(tmp_path, mode="shared", token=None, api_keys=(KEY_A,))
    assert shared.fetch.allow_https_downgrade is False
    assert settings(tmp_path).fetch.allow_https_downgrade is True


# --- Host allowlist (DNS rebinding) ---------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.test", "127.0.0.1.nip.io", "localhost.evil.test",
                                  "evil.test:8080", "[::2]:8080", "10.0.0.5"])
def test_personal_mode_refuses_foreign_host_headers(tmp_path: Path, host: str) -> None:
    client = make_app(tmp_path).test_client()
    for path in ("/v1/rules", "/healthz", "/openapi.json"):
        response = client.get(path, headers={**AUTH, "Host": host})
        assert response.status_code == 403, (path, host)
        assert response.get_json()["type"] == "forbidden-host"


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:8080",
                                  "[::1]:8080", "LOCALHOST:1"])
def test_personal_mode_answers_loopback_names(tmp_path: Path, host: str) -> None:
    client = make_app(tmp_path).test_client()
    assert client.get("/v1/rules", headers={**AUTH, "Host": host}).status_code == 200


def test_the_bound_address_is_allowed_and_configured_hosts_replace_the_default(
        tmp_path: Path) -> None:
    lan = make_app(tmp_path, host="192.168.1.5").test_client()
    assert lan.get("/healthz", headers={"Host": "192.168.1.5:8080"}).status_code == 200
    named = make_app(tmp_path, allowed_hosts=frozenset({"reader.lan"})).test_client()
    assert named.get("/healthz", headers={"Host": "reader.lan"}).status_code == 200
    assert named.get("/healthz", headers={"Host": "localhost"}).status_code == 403


def test_shared_mode_checks_hosts_only_when_configured(tmp_path: Path) -> None:
    shared = {"mode": "shared", "token": None, "api_keys": (KEY_A,)}
    open_app = make_app(tmp_path, **shared).test_client()
    assert open_app.get("/healthz", headers={"Host": "reader.example"}).status_code == 200
    closed = make_app(tmp_path, allowed_hosts=frozenset({"api.example"}), **shared)
    assert closed.test_client().get("/healthz", headers={"Host": "x.example"}).status_code \
        == 403


@pytest.mark.parametrize(("header", "name"), [
    ("[::1]:8080", "::1"), ("Example.TEST", "example.test"), ("a.test:99", "a.test"),
    ("::1", "::1"),
])
def test_host_name_parsing(header: str, name: str) -> None:
    assert host_name(header) == name


# --- CORS -----------------------------------------------------------------------------------------


def test_cors_answers_only_the_configured_origin(tmp_path: Path) -> None:
    client = make_app(tmp_path, cors_origins=frozenset({EXTENSION})).test_client()
    ok = client.post("/v1/extract", json={"html": "<p>x</p>"},
                     headers={**AUTH, "Origin": EXTENSION})
    assert ok.headers["Access-Control-Allow-Origin"] == EXTENSION
    assert "Origin" in ok.headers["Vary"]
    for origin in ("https://evil.test", "moz-extension://another-uuid", "null"):
        other = client.post("/v1/extract", json={"html": "<p>x</p>"},
                            headers={**AUTH, "Origin": origin})
        assert "Access-Control-Allow-Origin" not in other.headers


def test_preflight_needs_no_token_and_grants_only_configured_origins(tmp_path: Path) -> None:
    client = make_app(tmp_path, cors_origins=frozenset({EXTENSION})).test_client()
    ask = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization, content-type"}
    granted = client.options("/v1/extract", headers={**ask, "Origin": EXTENSION})
    assert granted.status_code == 204
    assert granted.headers["Access-Control-Allow-Origin"] == EXTENSION
    assert "Authorization" in granted.headers["Access-Control-Allow-Headers"]
    refused = client.options("/v1/extract", headers={**ask, "Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Headers" not in refused.headers


def test_without_configured_origins_no_cors_header_is_ever_sent(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    response = client.get("/v1/rules", headers={**AUTH, "Origin": "https://evil.test"})
    assert not [h for h in response.headers.keys() if h.startswith("Access-Control")]


@pytest.mark.parametrize("origin", ["*", "moz-extension://*", "https://*.example.com",
                                    "https://example.com/path", "example.com"])
def test_wildcard_or_malformed_origins_are_refused(tmp_path: Path, origin: str) -> None:
    with pytest.raises(ValueError, match="exact origin"):
        settings(tmp_path, cors_origins=frozenset({origin}))


# --- settings from the environment ---------------------------------------------------------------


def test_settings_from_env(tmp_path: Path) -> None:
    env = {
        "PLAINPAGE_HOST": "::1", "PLAINPAGE_PORT": "9000", "PLAINPAGE_DATA_DIR": str(tmp_path),
        "PLAINPAGE_MODE": "shared", "PLAINPAGE_API_KEYS": f"{KEY_A}, {KEY_B}",
        "PLAINPAGE_ALLOWED_HOSTS": "reader.example,api.example",
        "PLAINPAGE_CORS_ORIGINS": EXTENSION, "PLAINPAGE_MAX_REQUEST_BYTES": "1048576",
        "PLAINPAGE_RATE_LIMIT": "10/second;500/hour", "PLAINPAGE_FETCH_RATE_LIMIT": "5/minute",
        "PLAINPAGE_REDIS_URL": "redis://127.0.0.1:1/0",
        "PLAINPAGE_CACHE_TTL": "60", "PLAINPAGE_EXTRACT_BUDGET": "5",
        "PLAINPAGE_WORKERS": "4", "PLAINPAGE_RULES_DIR": str(tmp_path),
        "PLAINPAGE_MAX_ELEMENTS": "1000", "PLAINPAGE_ALLOW_PRIVATE": "10.0.0.0/8",
    }
    s = WebSettings.from_env(env)
    assert (s.host, s.port, s.data_dir, s.mode) == ("::1", 9000, tmp_path, "shared")
    assert s.api_key_hashes == {hash_key(KEY_A), hash_key(KEY_B)}
    assert s.hosts == {"reader.example", "api.example"} and s.cors_origins == {EXTENSION}
    assert (s.max_request_bytes, s.rate_limit, s.fetch_rate_limit) == (
        1048576, "10/second;500/hour", "5/minute")
    assert (s.redis_url, s.cache_ttl, s.extract_budget, s.workers) == (
        "redis://127.0.0.1:1/0", 60.0, 5.0, 4)
    assert s.rules_dir == tmp_path and s.options.max_elements == 1000
    assert len(s.fetch.allow_private) == 1
    assert s.worker_timeout == 15 + 5 + 5
    assert "redis://" not in repr(s) and KEY_A not in repr(s)


def test_empty_environment_gives_the_personal_defaults(tmp_path: Path) -> None:
    s = WebSettings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert (s.host, s.port, s.mode, s.token) == ("127.0.0.1", 8080, "personal", None)
    assert s.data_dir == tmp_path / "plainpage"
    assert s.hosts == {"localhost", "127.0.0.1", "::1"}
    assert s.options.max_elements == WEB_MAX_ELEMENTS and s.max_request_bytes == 8 * 2 ** 20


@pytest.mark.parametrize(("name", "value"), [
    ("PLAINPAGE_PORT", "eighty"), ("PLAINPAGE_PORT", "70000"), ("PLAINPAGE_MODE", "public"),
    ("PLAINPAGE_RATE_LIMIT", "lots"), ("PLAINPAGE_TOKEN", "short"),
    ("PLAINPAGE_CACHE_TTL", "-1"), ("PLAINPAGE_ALLOW_PRIVATE", "not-an-entry"),
    ("PLAINPAGE_CORS_ORIGINS", "*"),
])
def test_bad_environment_values_are_errors(name: str, value: str) -> None:
    with pytest.raises(ValueError):
        WebSettings.from_env({name: value})


# --- plainpage serve ------------------------------------------------------------------------------


def test_serve_prints_the_token_file_and_a_curl_line(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    monkeypatch.setattr(serve_module, "_run_werkzeug", lambda s, app: started.append(s))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"],
                                env={"PLAINPAGE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    token_file = tmp_path / TOKEN_FILE
    assert f"token file: {token_file}" in result.output
    assert "http://127.0.0.1:8123" in result.output and f"$(cat {token_file})" in result.output
    assert started[0].port == 8123 and token_file.exists()


def test_serve_production_without_gunicorn_says_so(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gunicorn", None)  # import gunicorn → ImportError
    result = CliRunner().invoke(cli, ["serve", "--production"],
                                env={"PLAINPAGE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "pip install gunicorn" in result.output


def test_serve_reports_bad_settings_as_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve"], env={"PLAINPAGE_MODE": "shared",
                                                     "PLAINPAGE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "API key" in result.output


def test_gunicorn_options_bound_requests_and_workers(tmp_path: Path) -> None:
    options = serve_module.gunicorn_options(settings(tmp_path, host="::1", port=9000,
                                                     workers=3, extract_budget=7))
    assert options["bind"] == "[::1]:9000" and options["workers"] == 3
    assert options["timeout"] == 15 + 7 + 5 and options["accesslog"] is None
    assert options["limit_request_fields"] == 100 and options["max_requests"] > 0


def test_serve_production_hands_the_options_and_the_app_to_gunicorn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # gunicorn is not a dependency; a stand-in with its BaseApplication protocol checks the
    # wiring: load_config() sets every option, load() builds the app in the worker.
    seen: dict[str, object] = {}

    class Config:
        def set(self, name: str, value: object) -> None:
            seen[name] = value

    class BaseApplication:
        def __init__(self) -> None:
            self.cfg = Config()

        def run(self) -> None:
            self.load_config()  # type: ignore[attr-defined]
            seen["app"] = self.load()  # type: ignore[attr-defined]

    base = types.ModuleType("gunicorn.app.base")
    base.BaseApplication = BaseApplication  # type: ignore[attr-defined]
    for name, module in (("gunicorn", types.ModuleType("gunicorn")),
                         ("gunicorn.app", types.ModuleType("gunicorn.app")),
                         ("gunicorn.app.base", base)):
        monkeypatch.setitem(sys.modules, name, module)
    result = CliRunner().invoke(cli, ["serve", "--production", "--port", "8124"],
                                env={"PLAINPAGE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert seen["bind"] == "127.0.0.1:8124" and seen["worker_class"] == "gthread"
    app = seen["app"]
    assert isinstance(app, Flask) and app.test_client().get("/healthz").status_code == 200


def test_every_environment_variable_read_is_documented() -> None:
    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', inspect.getsource(settings_module)))
    documented = set(re.findall(r"^PLAINPAGE_([A-Z_]+)", settings_module.__doc__ or "", re.M))
    assert read and read <= documented, read - documented
