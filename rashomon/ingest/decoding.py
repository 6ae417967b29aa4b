"""Bytes to text, strictly: a wrong guess would corrupt every offset downstream."""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator

from rashomon.ingest.problems import IngestProblem

SNIFF_BYTES = 8192

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Formats people drop into an article folder by mistake; most also contain NUL
# bytes early, but PDF headers may not.
_BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x1f\x8b",
)

# Browsers decode these labels with a superset codec (WHATWG Encoding
# Standard), and pages labelled latin-1 routinely contain cp1252 quotes.
_BROWSER_CODEC_FOR: dict[str, str] = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class ByteOrderMark:
    mark: bytes
    codec: str
    name: str  # as users know it, for messages


def byte_order_mark(head: bytes) -> ByteOrderMark | None:
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return ByteOrderMark(mark, codec, name)
    return None


def looks_binary(head: bytes) -> bool:
    """True for content that is not text in any encoding we accept.

    UTF-16/32 text is full of NUL bytes, so a byte order mark vouches for it.
    """
    if byte_order_mark(head) is not None:
        return False
    return head.startswith(_BINARY_SIGNATURES) or b"\x00" in head[:SNIFF_BYTES]


def describe_undecodable(
    data: bytes,
    error: UnicodeDecodeError,
    encoding_name: str,
    *,
    base_offset: int = 0,
    first_line: int = 1,
    suffix: str = "",
) -> str:
    """One line naming where decoding failed, so the user can find the byte.

    ``data`` may be a piece of a larger input that starts at byte
    ``base_offset`` and line ``first_line`` of it.
    """
    offset = base_offset + error.start
    line = first_line + data.count(b"\n", 0, error.start)
    bad_byte = data[error.start] if error.start < len(data) else None
    byte_part = f"byte 0x{bad_byte:02X} at offset {offset}" if bad_byte is not None else f"truncated at offset {offset}"
    return f"not valid {encoding_name}: {byte_part} (line {line}){suffix}"


def _decode_strictly(data: bytes, codec: str, name: str, *, suffix: str = "") -> str:
    mark = byte_order_mark(data)
    body_offset = 0
    if mark is not None:
        codec, name, body_offset = mark.codec, mark.name, len(mark.mark)
    body = data[body_offset:]
    try:
        return body.decode(codec)
    except UnicodeDecodeError as error:
        raise IngestProblem(describe_undecodable(body, error, name, base_offset=body_offset, suffix=suffix)) from None


def _codec_for_label(label: str) -> str:
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        raise IngestProblem(f"declares an unknown charset {label!r}") from None
    return _BROWSER_CODEC_FOR.get(codec, codec)


def decode_text(data: bytes, declared_charset: str | None = None) -> str:
    """Plain text: a byte order mark or a declared charset, otherwise UTF-8.

    Legacy codepages are never guessed: a silent wrong guess produces mojibake
    that no later stage can tell from the author's text.
    """
    if declared_charset and byte_order_mark(data) is None:
        codec = _codec_for_label(declared_charset)
        return _decode_strictly(data, codec, declared_charset.upper(), suffix=" (declared charset)")
    return _decode_strictly(data, "utf-8", "UTF-8", suffix="; save the file as UTF-8")


def declared_html_charset(head: bytes) -> str | None:
    """The charset an HTML document declares for itself, if any."""
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def decode_html(data: bytes, transport_charset: str | None = None) -> str:
    """HTML: byte order mark, else the HTTP charset, else ``<meta charset>``, else UTF-8."""
    if byte_order_mark(data) is not None:
        return _decode_strictly(data, "utf-8", "UTF-8")
    label = transport_charset or declared_html_charset(data[:SNIFF_BYTES])
    if not label:
        return _decode_strictly(data, "utf-8", "UTF-8", suffix=", and the HTML declares no charset")
    codec = _codec_for_label(label)
    if codec.startswith(("utf-16", "utf-32")):
        # A page cannot declare UTF-16 in-band without a byte order mark; a
        # label that says so is wrong and browsers read it as UTF-8.
        codec = "utf-8"
    return _decode_strictly(data, codec, label.upper(), suffix=" (declared charset)")


@dataclass(frozen=True)
class RawLine:
    number: int  # 1-based
    offset: int  # byte offset of the line's start in the stream
    data: bytes  # empty when the line was over the limit and skipped
    size: int  # the line's full size in bytes, newline included
    too_long: bool


def iter_raw_lines(stream: BinaryIO, max_line_bytes: int) -> Iterator[RawLine]:
    """Lines of a byte stream, never holding more than ``max_line_bytes`` of one."""
    offset = 0
    number = 0
    while True:
        data = stream.readline(max_line_bytes + 1)
        if not data:
            return
        number += 1
        size = len(data)
        too_long = size > max_line_bytes
        if too_long:
            if not data.endswith(b"\n"):
                size += _skip_rest_of_line(stream, max_line_bytes)
            data = b""
        yield RawLine(number, offset, data, size, too_long)
        offset += size


def _skip_rest_of_line(stream: BinaryIO, chunk_bytes: int) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(chunk_bytes)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


# A news record is two or three levels deep (a list of objects, a list of tags inside one); 64 leaves room for any
# real export and stays far below the ~1,000 frames at which Python's json module raises RecursionError.
MAX_JSON_DEPTH = 64

# A JSON string, or the rest of the text when the string is never closed: consuming an unterminated string to the
# end (instead of failing and retrying at the next quote) keeps the scan linear on any input.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
# Depths counted per slice of this many bytes: a few MB of numpy arrays at most, whatever the text.
_DEPTH_SLICE = 1 << 20


class JsonProblem(IngestProblem):
    """Why ``parse_json`` refused a text. ``str()`` is the one line to show; for a syntax error, ``reason``,
    ``line`` and ``column`` are there for callers that word the position their own way."""

    def __init__(
        self,
        message: str,
        reason: str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        too_deep: bool = False,
    ):
        super().__init__(message)
        self.reason = reason
        self.line = line
        self.column = column
        self.too_deep = too_deep


def parse_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse untrusted JSON; raises ``JsonProblem`` (an ``IngestProblem``) with a one-line message, nothing else.

    - Nesting deeper than ``max_depth`` is refused before parsing (a linear scan of the brackets outside strings),
      so no input can reach the parser's recursion limit.
    - ``bytes`` are decoded as the JSON standard says (UTF-8, or UTF-16/32 told by its first bytes, a UTF-8 byte
      order mark allowed); invalid bytes are named with their offset.
    - NaN, Infinity and -Infinity, which Python's ``json.dumps`` writes but JSON does not have, are read as null,
      so nothing stored can make an export invalid JSON.
    - An integer of more than ``sys.get_int_max_str_digits()`` digits is refused (Python would raise ValueError).
    - Strings are returned as JSON gives them: ``"\\ud83d"`` is a lone surrogate, which ingest's
      ``build_article`` repairs.

    The size of ``text`` is the caller's to bound (``--max-bytes``, a request body limit).
    """
    if isinstance(text, (bytes, bytearray)):
        text = _json_bytes_to_text(bytes(text))
    # Cheap first: a text with fewer opening brackets than the limit cannot nest deeper than it.
    if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
        raise JsonProblem(f"refused: JSON nested deeper than {max_depth} levels", too_deep=True)
    try:
        return json.loads(text, parse_constant=_non_finite_as_null, parse_float=_finite_float, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        # "Unterminated string starting at" is followed by the position in json's own wording.
        reason = error.msg.removesuffix(" at")
        raise JsonProblem(
            f"not valid JSON ({reason} at line {error.lineno} column {error.colno})", reason, error.lineno, error.colno
        ) from None
    except RecursionError:  # unreachable after the depth check; kept so the promise holds whatever json does
        raise JsonProblem(f"refused: JSON nested deeper than {max_depth} levels", too_deep=True) from None


def json_depth(text: str) -> int:
    """How deeply ``text`` nests arrays and objects (brackets inside strings do not count); 0 for a scalar.

    An upper bound on how deep a parser of it can recurse, exact for valid JSON. Linear in the text's length.
    """
    # Brackets are ASCII, so no byte of another character's UTF-8 form is one (surrogatepass: a lone surrogate
    # in a str must not stop the scan).
    outside_strings = _JSON_STRING.sub("", text).encode("utf-8", "surrogatepass")
    return max([0, *(int(running.max()) for _, _, running in _running_depths(outside_strings))])


def json_array_items(text: str) -> list[str] | None:
    """The texts of the items of ``text``'s top-level JSON array, found without parsing them, so that one item
    too deep to parse can be refused alone; None when ``text`` is not one array (or not one this can split).
    """
    start = len(text) - len(text.lstrip())
    if not text.startswith("[", start):
        return None
    # Strings blanked to spaces of the same length: positions in it are positions in text, and no bracket or
    # comma inside a string counts. Outside strings valid JSON is ASCII, so one byte is one character.
    blanked = _JSON_STRING.sub(lambda string: " " * len(string.group()), text)
    if not blanked.isascii():
        return None
    data = blanked.encode("ascii")
    separators: list[int] = []  # the commas between items, then the array's closing bracket
    for offset, piece, running in _running_depths(data, start):
        closed = (running <= 0).nonzero()[0]
        end = int(closed[0]) if closed.size else len(piece)
        commas = ((piece[:end] == ord(",")) & (running[:end] == 1)).nonzero()[0]
        separators.extend((offset + commas).tolist())
        if closed.size:
            if data[offset + end] != ord("]") or data[offset + end + 1 :].strip():
                return None
            separators.append(offset + end)
            break
    else:
        return None  # never closed
    bounds = [start, *separators]
    items = [text[left + 1 : right] for left, right in zip(bounds, bounds[1:])]
    return [] if len(items) == 1 and not items[0].strip() else items


def _running_depths(data: bytes, start: int = 0) -> Iterator[tuple[int, Any, Any]]:
    """(offset, the bytes, the nesting depth after each of them) for ``data`` from ``start``, a slice at a time.

    A Python loop over millions of brackets takes seconds; numpy's running sum takes milliseconds.
    """
    import numpy as np  # here, not at import: most texts have too few brackets to get this far

    step_of_byte = np.zeros(256, dtype=np.int8)
    step_of_byte[[ord("["), ord("{")]] = 1
    step_of_byte[[ord("]"), ord("}")]] = -1
    depth = 0
    for offset in range(start, len(data), _DEPTH_SLICE):
        piece = np.frombuffer(data, dtype=np.uint8, count=min(_DEPTH_SLICE, len(data) - offset), offset=offset)
        running = np.cumsum(step_of_byte[piece], dtype=np.int64) + depth
        yield offset, piece, running
        depth = int(running[-1])


def _json_bytes_to_text(data: bytes) -> str:
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = {"utf-8-sig": "UTF-8"}.get(encoding, encoding.upper())
        raise JsonProblem(describe_undecodable(data, error, name)) from None


def _non_finite_as_null(name: str) -> None:
    return None


def _finite_float(digits: str) -> float | None:
    value = float(digits)  # 1e999 is inf: as much not JSON as Infinity
    return value if math.isfinite(value) else None


def _bounded_int(digits: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise JsonProblem(
            f"not valid JSON (a number of {len(digits):,} digits, over the {limit:,} digits Python reads)"
        )
    return int(digits)
