"""``plainpage serve``: run the HTTP API.

Without ``--production`` it runs Werkzeug's threaded server: fine for the personal mode's
one user on 127.0.0.1. ``--production`` runs gunicorn (not a dependency: ``pip install
gunicorn``) with the settings below; the same can be had by hand with

    gunicorn --worker-class gthread --threads 4 --timeout 30 'plainpage.web:create_app()'

where ``--timeout`` should be at least ``WebSettings.worker_timeout`` (fetch deadline +
extraction budget + 5 s). Each worker's address space is limited after the fork
(``post_fork``, RLIMIT_AS = ``PLAINPAGE_WORKER_MEMORY`` MiB); by hand, give gunicorn
``post_fork = "plainpage.web.serve.post_fork"`` in a config file. Settings come from the
``PLAINPAGE_*`` environment
(``plainpage.web.settings``); ``--host``/``--port`` override ``PLAINPAGE_HOST``/``_PORT``.
Flask is imported only when the command runs, so other subcommands do not pay for it.
"""

from __future__ import annotations

import logging
import os
import resource
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask

    from .settings import WebSettings

__all__ = ["gunicorn_options", "limit_memory", "post_fork", "serve"]

log = logging.getLogger("plainpage.web")


def gunicorn_options(settings: WebSettings) -> dict[str, Any]:
    """gunicorn settings for a production run: bounded requests, recycled workers."""
    return {
        "bind": _bind(settings), "workers": settings.workers,
        "worker_class": "gthread", "threads": 4,
        "timeout": settings.worker_timeout, "graceful_timeout": 30,
        # Header limits (request line, field count, field size): gunicorn's own defaults,
        # written out so a change there does not loosen them silently.
        "limit_request_line": 4094, "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "max_requests": 1000, "max_requests_jitter": 100,  # bounds any slow leak
        # Workers import the app once in the master: a recycled worker starts in
        # milliseconds instead of re-importing for ~2 s (p99 spikes under load).
        "preload_app": True,
        "accesslog": None,  # the app logs one line per request itself, without query strings
        # gunicorn 27 opens one control socket per user: two instances on a host would
        # fight over it.
        "control_socket_disable": True,
        # An import string, not the function, so the options can be written to a config
        # file (scripts/load does): gunicorn imports it.
        "post_fork": f"{__name__}.post_fork",
    }


def post_fork(server: Any, worker: Any) -> None:
    """gunicorn hook, in each new worker: its memory limit from ``PLAINPAGE_WORKER_MEMORY``.

    In the worker, not the master: the master must never fail to fork a replacement."""
    from .settings import WebSettings

    limit_memory(WebSettings.from_env(os.environ).worker_memory_mb)


def limit_memory(mebibytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at ``mebibytes`` MiB; 0 leaves it be.

    Past it, allocations fail: Python code gets MemoryError (an extraction then answers 422
    ``document-too-complex``), and a native library that cannot handle it ends the worker,
    which gunicorn replaces. Only the soft limit is set, never above the hard one."""
    if mebibytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mebibytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    log.info("worker %d: address space limited to %d MiB", os.getpid(), wanted // 2**20)


def _bind(settings: WebSettings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"{host}:{settings.port}"


@click.command("serve")
@click.option("--host", metavar="ADDRESS",
              help="Address to bind (default: $PLAINPAGE_HOST, else 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Port to bind (default: $PLAINPAGE_PORT, else 8080).")
@click.option("--production", is_flag=True,
              help="Run under gunicorn (pip install gunicorn) with several workers.")
def serve(host: str | None, port: int | None, production: bool) -> None:
    """Run the HTTP API (personal mode: 127.0.0.1:8080, a bearer token from the data dir).

    It prints where the token file is, and a curl line to try, such as:

    \b
    curl -H "Authorization: Bearer $(cat TOKEN_FILE)" -H 'Accept: text/plain'
         'http://127.0.0.1:8080/v1/extract?url=https://example.org/'
    """
    from .settings import WebSettings

    changes = {name: value for name, value in (("host", host), ("port", port)) if value}
    try:
        settings = WebSettings.from_env(os.environ).replace(**changes)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if production:
        _require_gunicorn()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = _build(settings)
    _announce(settings, app)
    if production:
        _run_gunicorn(settings)
    else:
        _run_werkzeug(settings, app)


def _require_gunicorn() -> None:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "--production runs gunicorn, which is not installed: pip install gunicorn "
            "(or run gunicorn 'plainpage.web:create_app()' yourself)") from None


def _build(settings: WebSettings) -> Flask:
    from .app import create_app

    try:
        return create_app(settings)
    except (OSError, ValueError) as exc:  # unusable data dir, token file, Redis URL …
        raise click.ClickException(str(exc)) from None


def _announce(settings: WebSettings, app: Flask) -> None:
    base = f"http://{_bind(settings)}"
    click.echo(f"plainpage serving on {base} ({settings.mode} mode)")
    token_file = app.extensions["plainpage"].token_file
    if settings.mode == "shared":
        auth = "Authorization: Bearer <API key>"
    elif token_file is None:
        auth = "Authorization: Bearer $PLAINPAGE_TOKEN"
        click.echo("token: from PLAINPAGE_TOKEN")
    else:
        auth = f"Authorization: Bearer $(cat {token_file})"
        click.echo(f"token file: {token_file}")
    click.echo(f"try: curl -H \"{auth}\" -H 'Accept: text/plain' "
               f"'{base}/v1/extract?url=https://example.org/'")


def _run_werkzeug(settings: WebSettings, app: Flask) -> None:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            """The app logs each request itself (Werkzeug's line would show query strings)."""

    server = make_server(settings.host, settings.port, app, threaded=True,
                         request_handler=QuietHandler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


def _run_gunicorn(settings: WebSettings) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(settings)

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Flask:
            from .app import create_app

            return create_app(settings)  # each worker builds its own (cache connections)

    Application().run()
