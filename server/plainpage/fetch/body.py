"""The body of a fetched page: its media type, its Content-Encoding decoded with a bound,
and a look at its first bytes.

* ``media_type`` splits a ``Content-Type`` header into the media type and its charset label.
* ``read_body`` reads the raw body from httpx and decodes gzip/deflate here with zlib's
  ``max_length``, so the cap counts decoded bytes and a gzip bomb costs no more memory than
  the cap (httpx's own decoding has no bound). The first bytes are sniffed: known binary
  formats are refused, and a body without ``Content-Type`` must start like markup.
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from ..errors import TooLarge, UnsupportedContentType, UpstreamError

__all__ = ["ENCODINGS", "media_type", "read_body"]

ENCODINGS = "gzip, deflate"  # all we can decode with a bound; httpx would add br/zstd
_SNIFF_BYTES = 512
_RAW_SLACK = 64 * 1024  # compressed HTML is never much larger than its decoded form
_MAGICS = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "gzip data"), (b"RIFF", "a RIFF file (WebP, WAV, AVI)"),
    (b"%!PS", "a PostScript document"),
)


def media_type(value: str) -> tuple[str, str | None]:
    kind, *params = value.split(";")
    charset = None
    for param in params:
        name, _, label = param.partition("=")
        if name.strip().lower() == "charset":
            charset = label.strip().strip("\"'").lower() or None
    return kind.strip().lower(), charset


def read_body(response: httpx.Response, declared: bool, limit: int) -> bytes:
    """The decoded body, refused past ``limit`` bytes or when its first bytes are not HTML."""
    coding = _coding(response.headers.get("content-encoding", ""))
    raw_limit = limit if coding == "identity" else limit + _RAW_SLACK
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > raw_limit:
        raise _too_large(limit)
    decoder, body, raw_size, checked = _Decoder(coding, limit), bytearray(), 0, False
    for chunk in response.iter_raw():
        raw_size += len(chunk)
        if raw_size > raw_limit:
            raise _too_large(limit)
        body += decoder.feed(chunk)
        if not checked and len(body) >= _SNIFF_BYTES:
            _check_head(bytes(body[:_SNIFF_BYTES]), declared)
            checked = True
    if not checked:
        _check_head(bytes(body), declared)
    return bytes(body)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"the page is larger than {limit} bytes (after decompression)")


def _coding(value: str) -> str:
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise UpstreamError(f"unsupported Content-Encoding {value[:100]!r} (we asked for "
                        f"{ENCODINGS} only)")


class _Decoder:
    """Content-Encoding decoding that never produces more than ``limit`` bytes in total."""

    def __init__(self, coding: str, limit: int) -> None:
        self._coding, self._limit, self._size = coding, limit, 0
        self._inflater: Any = None
        self._head = b""

    def feed(self, data: bytes) -> bytes:
        out = data if self._coding == "identity" else self._inflate(data)
        self._size += len(out)
        if self._size > self._limit:
            raise _too_large(self._limit)
        return out

    def _inflate(self, data: bytes) -> bytes:
        if self._inflater is None:
            self._head += data  # deflate's two header bytes decide zlib vs raw deflate
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            self._inflater = zlib.decompressobj(_wbits(self._coding, data))
        if self._inflater.eof:
            return b""  # bytes after the end of the stream are ignored, as browsers do
        try:
            # One byte over what is left: getting it back means "over the cap".
            return self._inflater.decompress(data, self._limit - self._size + 1)
        except zlib.error:
            raise UpstreamError(f"the {self._coding}-encoded body is corrupt") from None


def _wbits(coding: str, head: bytes) -> int:
    if coding == "gzip":
        return 16 + zlib.MAX_WBITS
    # "deflate" means zlib-wrapped data, but some servers send raw deflate.
    zlib_header = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


def _check_head(head: bytes, declared: bool) -> None:
    for magic, what in _MAGICS:
        if head.startswith(magic):
            raise UnsupportedContentType(f"the body is {what}, not HTML")
    if not declared and not _looks_like_markup(head):
        raise UnsupportedContentType(
            "the response has no Content-Type and its body does not start like HTML")


def _looks_like_markup(head: bytes) -> bool:
    text = head.decode("latin-1")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(codec, "ignore")
            break
    return text.lstrip(" \t\r\n\f").startswith("<")
