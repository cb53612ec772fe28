"""plainpage.web: the HTTP API (Flask). The library never imports this package.

``create_app(settings=None)`` builds the WSGI app; ``gunicorn 'plainpage.web:create_app()'``
serves it with settings from the ``PLAINPAGE_*`` environment (``web.settings`` lists them).

``create_app`` is looked up lazily (PEP 562) so that the CLI can register ``plainpage
serve`` without importing Flask, which would add about 0.3 s to every ``plainpage extract``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
