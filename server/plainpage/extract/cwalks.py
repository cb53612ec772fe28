"""The walks over Lexbor's tree in C (``_walks.c``), bound to selectolax once, at import.

They read Lexbor's nodes through selectolax's Cython interface (``LexborNode.new`` from the
type's vtable, Lexbor's functions from its module): only a selectolax 1.0 is bound, as
another release may lay that interface out anew. ``WALKS`` is the bound module, or None
(not built, or another selectolax): then every walk is made in Python, more slowly. Each
user also checks the C walk against its Python walk on a probe page before it trusts it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import selectolax
import selectolax.lexbor
from selectolax.lexbor import LexborHTMLParser, LexborNode

try:  # built at install when a C compiler is at hand
    from . import _walks
except ImportError:  # pragma: no cover - the walks in Python
    _walks = None

__all__ = ["WALKS", "agrees", "bound", "table"]


def bound() -> ModuleType | None:
    """The C walks bound to this selectolax, or None."""
    if _walks is None or selectolax.__version__.split(".")[:2] != ["1", "0"]:
        return None
    vtable = getattr(LexborNode, "__pyx_vtable__", None)
    if vtable is None or not _walks.bind(selectolax.lexbor.__file__, vtable, LexborHTMLParser):
        return None
    return _walks


def table(ids: dict[int, int] | frozenset[int]) -> bytes:
    """Tag ids as the C walks read them: a byte per tag id, the member's number (for a set:
    1), 0 for the others."""
    values = ids if isinstance(ids, dict) else dict.fromkeys(ids, 1)
    return bytes(values.get(tag, 0) for tag in range(max(values) + 1))


#: A walk asked of a parsed page and its body.
Walk = Callable[[LexborHTMLParser, LexborNode], Any]


def agrees(html: str, in_c: Walk, in_python: Walk) -> bool:
    """True when the C walks are bound and ``in_c`` answers the probe page ``html`` as
    ``in_python`` does (nodes compared by ``mem_id``, in lists and tuples as they stand)."""
    if WALKS is None:
        return False
    tree = LexborHTMLParser(html)
    body = tree.body
    return body is not None and _plain(in_c(tree, body)) == _plain(in_python(tree, body))


def _plain(answer: Any) -> Any:
    if isinstance(answer, LexborNode):
        return answer.mem_id
    if isinstance(answer, list | tuple):
        return [_plain(item) for item in answer]
    return answer


#: The bound C walks, or None.
WALKS = bound()
