"""Hostile input: every reader fed mutated and arbitrary bytes, and checked against what ingest promises.

    rashomon bench fuzz [--reader EXT]... [--minutes M] [--seed N] [--save DIR]

For each target (one per reader function, and .warc.gz apart from .warc since its bytes are compressed), for M
minutes: take a valid sample of the format, apply a few random mutations (structure-aware ones: a lone surrogate
escape, deep nesting, NULs, byte order marks, CRLF, an unclosed quote, a huge line, a gzip bomb, truncation; and
byte-level ones: flipped, inserted, deleted and repeated bytes), or take random bytes; read the result through the
public entry points (``read_uploads``, ``read_inputs`` on a file, and on stdin) with a small or the default
``--max-bytes``, and check:

- nothing raises, and only Articles and Rejections come out;
- a good file uploaded after the hostile one is still read (the batch goes on), and in JSON Lines, CSV and TSV a
  good record after the hostile ones is read (each record its own boundary) unless the whole file is refused;
- every Rejection's input and problem is one line;
- every string of every Article encodes as UTF-8;
- all of it can be written to a real SQLite store.

Per target it prints examples run, failures found and the slowest example; the last line is
``readers=N examples=N failures=N``. ``tests/test_ingest_fuzz.py`` checks the same properties with hypothesis,
bounded for CI; this loop is the long campaign.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import random
import tempfile
import time
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from rashomon.ingest.problems import describe_unexpected
from rashomon.model import Article, Rejection

UNEXPECTED = describe_unexpected(Exception("")).split("(")[0] + "("  # "could not read ("

# name -> the file extension its inputs get
TARGETS: dict[str, str] = {
    "text": ".txt",
    "html": ".html",
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "tsv": ".tsv",
    "warc": ".warc",
    "warc.gz": ".warc.gz",
}
# A limit small enough that every "over the limit" path is reached by small inputs, and the default.
MAX_BYTES_CHOICES: tuple[int, ...] = (2_000, 50_000_000)
GOOD_FILE = ("good.txt", b"A good file uploaded after the hostile one: the batch must go on to read it.")

STORY = (
    "The foreign minister said on Sunday that the ceasefire talks would resume next week in Geneva. "
    "Officials from both delegations confirmed the schedule, and observers expect a draft agreement on "
    "humanitarian corridors before the end of the month. \u00ab Nous y serons \u00bb, a d\u00e9clar\u00e9 "
    "le porte-parole; \u0421\u0435\u0440\u0433\u0435\u0439 \u041b\u0430\u0432\u0440\u043e\u0432 "
    "\u0441\u043a\u0430\u0437\u0430\u043b; \u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \U0001f54a."
)

# Inserted whole by the "token" mutation: what the campaign found, or might find, readers tripping on.
HOSTILE_TOKENS: tuple[bytes, ...] = (
    b'"',
    b"\\ud83d",
    b'\\udc00"',
    b'"\\ud800\\udfff"',
    b"\x00",
    b"\r",
    b"\n",
    b"\r\n",
    b",",
    b"\t",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\\",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"\xc3",
    b"\xed\xa0\xbd",
    b"\xf4\x90\x80\x80",
    b"\x1f\x8b",
    b"<",
    b">",
    b"<!--",
    b"<script>",
    b"</p>",
    b'<meta charset="utf-16">',
    b'<meta charset="bogus-charset">',
    b"&#xD83D;",
    b"&#0;",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\x0b\x0c",
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999999\r\n",
    b"Content-Length: -5\r\n",
    b"Content-Encoding: gzip\r\n",
    b"Content-Encoding: br\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"ffffffff\r\n",
    b"\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n",
    b"WARC-Type: resource\r\n",
    b"Content-Type: text/html; charset=utf-16\r\n",
    b"NaN",
    b"Infinity",
    b"1e999",
    b"9" * 5000,
    b'"text": ',
    b'"title": ',
    b'{"text": "x"}\n',
    "\u00e9".encode("utf-16-le"),
)

# Put in place of a JSON string value by the "json_value" mutation: valid JSON that a reader must still survive.
JSON_VALUES: tuple[bytes, ...] = (
    b'"\\ud83d"',
    b'"x\\udc00y"',
    b'"\\ud800\\udfff"',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 65 + b"1" + b"}" * 65,
    b"9" * 5000,
    b"1e999",
    b"-1e999",
    b"NaN",
    b"Infinity",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b'"\\u0000\\n\\r\\u2028"',
    b'"' + b"x" * 100_000 + b'"',
    b'{"text": "nested"}',
    b'["a", {"b": null}]',
    b"0.1e-400",
    b'""',
    b'"   "',
)

MUTATIONS: tuple[str, ...] = (
    "flip",
    "token",
    "after_quote",
    "json_value",
    "delete",
    "repeat",
    "truncate",
    "crlf",
    "bom",
    "deep",
    "huge_line",
    "splice",
    "gzip_bomb",
)
# Growth per mutation is capped so that one example stays small and quick: the campaign is about shapes, not size
# (the bomb tests in tests/test_ingest.py are about size).
_MAX_REPEAT = 64
_MAX_HUGE_LINE = 300_000
_MAX_DEEP = 100_000


Mutation = tuple[str, int, int]  # (kind, position, amount): position and amount are reduced to fit the input


def apply_mutations(data: bytes, mutations: Sequence[Mutation]) -> bytes:
    """``data`` changed by each mutation in turn. Positions and amounts are any integers, reduced to fit, so that
    hypothesis and a seeded random loop can both draw them."""
    for kind, position, amount in mutations:
        at = position % (len(data) + 1)
        if kind == "flip" and data:
            at = position % len(data)
            data = data[:at] + bytes([data[at] ^ (1 << (amount % 8))]) + data[at + 1 :]
        elif kind == "token":
            data = data[:at] + HOSTILE_TOKENS[amount % len(HOSTILE_TOKENS)] + data[at:]
        elif kind == "after_quote":  # most often inside a string or a quoted field
            quotes = [i for i in range(len(data)) if data[i] == 34][:1000]
            if quotes:
                at = quotes[position % len(quotes)] + 1
                data = data[:at] + HOSTILE_TOKENS[amount % len(HOSTILE_TOKENS)] + data[at:]
        elif kind == "json_value":  # a valid document with one hostile value
            openings = [i + 3 for i in range(len(data)) if data.startswith(b'": "', i)][:1000]
            if openings:
                opening = openings[position % len(openings)]
                end = data.find(b'"', opening + 1)
                while end > 0 and data[end - 1] == 92:  # an escaped quote
                    end = data.find(b'"', end + 1)
                if end > 0:
                    data = data[:opening] + JSON_VALUES[amount % len(JSON_VALUES)] + data[end + 1 :]
        elif kind == "delete":
            data = data[:at] + data[at + 1 + amount % 64 :]
        elif kind == "repeat":
            piece = data[at : at + 1 + amount % 256]
            data = data[:at] + piece * (2 + amount % _MAX_REPEAT) + data[at:]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "crlf":
            data = data.replace(b"\n", (b"\r\n", b"\r", b"\n\n")[amount % 3])
        elif kind == "bom":
            data = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00")[amount % 4] + data
        elif kind == "deep":
            depth = 1 + amount % _MAX_DEEP
            opener, closer = ((b"[", b"]"), (b'{"a":', b"}"))[amount % 2]
            data = data[:at] + opener * depth + b"1" + closer * (depth if amount % 3 else depth // 2) + data[at:]
        elif kind == "huge_line":
            data = data[:at] + bytes([97 + amount % 26]) * (1 + amount % _MAX_HUGE_LINE) + data[at:]
        elif kind == "splice":
            other = data[amount % (len(data) + 1) :]
            data = data[:at] + other
        elif kind == "gzip_bomb":
            # A small gzip member of many zeros: compressed bodies and archives must stay bounded.
            data = data[:at] + gzip.compress(bytes(1 + (amount % 64) * 100_000)) + data[at:]
    return data


def compress_warc(plain: bytes) -> bytes:
    """A .warc.gz as archivers write it: each record its own gzip member."""
    starts = [0]
    while (found := plain.find(b"WARC/1.0\r\n", starts[-1] + 1)) > 0:
        starts.append(found)
    bounds = [*starts, len(plain)]
    return b"".join(gzip.compress(plain[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a) or gzip.compress(b"")


def fuzz_input(target: str, sample: int, mutations: Sequence[Mutation], raw_mutations: Sequence[Mutation]) -> bytes:
    """One example: sample number ``sample`` of ``target``, mutated in its plain form (for .warc.gz, before
    compression), then byte-mutated as stored."""
    valid = samples(target)
    data = apply_mutations(valid[sample % len(valid)], mutations)
    if target == "warc.gz":
        data = compress_warc(data)
    return apply_mutations(data, raw_mutations)


def _text_samples() -> list[bytes]:
    return [
        STORY.encode(),
        f"# Talks resume\r\n\r\n{STORY}\r\n\r\n- one\r\n- two\r\n".encode(),
        STORY.encode("utf-16"),
        b"\xef\xbb\xbf" + STORY.encode(),
    ]


def _html_page(body: str, head: str = "", charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{body}</p>" for _ in range(3))
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Talks resume | Daily Planet</title>{head}'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>Talks resume</h1>{paragraphs}</article>"
        f"<footer>Contact us</footer></body></html>"
    )


_HTML_HEAD = (
    '<meta property="og:site_name" content="Daily Planet">'
    '<meta property="article:published_time" content="2017-10-15T11:03:00Z">'
    '<link rel="canonical" href="https://planet.example/world/talks">'
)


def _html_samples() -> list[bytes]:
    latin = "Le caf\u00e9 \u00ab Au Bon Coin \u00bb a rouvert lundi apr\u00e8s des mois de travaux. " * 4
    return [
        _html_page(STORY, _HTML_HEAD).encode(),
        _html_page(latin, charset="windows-1252").encode("cp1252"),
        f"<html><body><div><div><table><tr><td>{STORY}</td></tr></table></div></div></body></html>".encode(),
    ]


_RECORD = {
    "text": STORY,
    "title": "Talks resume",
    "url": "https://planet.example/talks",
    "source": "Daily Planet",
    "published": "2017-10-15T11:03:00Z",
    "language": "en-GB",
    "id": "dataset-17",
    "tags": ["world", {"region": "europe"}],
}


def _json_samples() -> list[bytes]:
    return [
        json.dumps(_RECORD, ensure_ascii=False).encode(),
        json.dumps([_RECORD, "not an object", {"text": "Second story.", "published": 1508065380}]).encode(),
        (json.dumps(_RECORD) + "\n" + json.dumps({"text": "Lines saved as .json"}) + "\n").encode(),
    ]


def _jsonl_samples() -> list[bytes]:
    lines = [json.dumps(_RECORD, ensure_ascii=False), "", json.dumps({"text": "Floods.", "language": "fr"}), "[1]"]
    return ["\n".join(lines).encode() + b"\n", "\r\n".join(lines).encode()]


def _delimited_samples(delimiter: str) -> list[bytes]:
    rows = [
        ["title", "text", "published", "language", "source"],
        ["Talks", STORY, "2017-10-15", "en", "Planet"],
        ["Floods", 'First paragraph.\n\nSecond, with a "quote".', "", "", ""],
        ["", "", "", "", ""],
        ["Tail", "Short story.", "15 Oct 2017", "fr-FR", "Le Monde"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = out.getvalue()
    return [text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")]


def _warc_records() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    html = _html_page(STORY, _HTML_HEAD).encode()

    def response(url: str, body: bytes, headers: list[tuple[str, str]], status: str = "200 OK") -> None:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))

    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "rashomon fuzz"}))
    response("https://planet.example/talks", html, [("Content-Type", "text/html; charset=utf-8")])
    response(
        "https://planet.example/gz", gzip.compress(html), [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    )
    chunked = b"%x\r\n" % len(html) + html + b"\r\n0\r\n\r\n"
    response(
        "https://planet.example/chunked", chunked, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    )
    response(
        "https://planet.example/deflate",
        zlib.compress(html),
        [("Content-Type", "text/html"), ("Content-Encoding", "deflate")],
    )
    response("https://planet.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), [("Content-Type", "image/png")])
    response("https://planet.example/moved", b"", [("Location", "/talks")], status="301 Moved Permanently")
    writer.write_record(
        writer.create_warc_record(
            "urn:note", "resource", payload=io.BytesIO(STORY.encode()), warc_content_type="text/plain; charset=utf-8"
        )
    )
    return out.getvalue()


def _warc_samples() -> list[bytes]:
    return [_warc_records()]


_SAMPLE_MAKERS: dict[str, Callable[[], list[bytes]]] = {
    "text": _text_samples,
    "html": _html_samples,
    "json": _json_samples,
    "jsonl": _jsonl_samples,
    "csv": lambda: _delimited_samples(","),
    "tsv": lambda: _delimited_samples("\t"),
    "warc": _warc_samples,
    "warc.gz": _warc_samples,
}


@functools.cache
def samples(target: str) -> tuple[bytes, ...]:
    """Valid inputs of ``target``'s format, the starting points of mutation."""
    return tuple(_SAMPLE_MAKERS[target]())


def check_items(items: list, store) -> list[str]:
    """What is wrong with one input's output (an empty list when nothing is); ``store`` is a real Store."""
    problems = []
    for item in items:
        if isinstance(item, Rejection) and item.problem.startswith(UNEXPECTED):
            # The catch-all of a guard: a problem no reader foresaw, which is a bug even when contained.
            problems.append(f"unexpected error: {item.problem[:300]}")
        if isinstance(item, Rejection):
            for name in ("input", "problem"):
                value = getattr(item, name)
                if not isinstance(value, str) or len(value.splitlines()) > 1 or "\n" in value:
                    problems.append(f"Rejection {name} is not one line: {value!r:.200}")
                elif not _encodes(value):
                    problems.append(f"Rejection {name} does not encode as UTF-8: {value!r:.200}")
        elif isinstance(item, Article):
            strings = [
                item.original,
                item.url,
                item.title,
                item.source,
                item.published,
                item.language,
                *item.paths,
                json.dumps(item.given, ensure_ascii=False),
            ]
            for value in strings:
                if value is not None and (not isinstance(value, str) or not _encodes(value)):
                    problems.append(f"Article string does not encode as UTF-8: {value!r:.200}")
        else:
            problems.append(f"not an Article or Rejection: {type(item).__name__}")
    if not problems:
        try:
            store.articles.add([item for item in items if isinstance(item, Article)])
            store.articles.log_rejections([item for item in items if isinstance(item, Rejection)])
        except Exception as error:  # the property under test: anything here is a failure to report
            problems.append(f"could not be stored: {type(error).__name__}: {error}")
    return problems


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_upload(extension: str, data: bytes, max_bytes: int, store) -> list[str]:
    """The properties, for ``data`` uploaded under a name ending in ``extension``, with a good file after it."""
    from rashomon.ingest import read_uploads

    try:
        items = list(read_uploads([(f"input{extension}", data), GOOD_FILE], max_bytes=max_bytes))
    except Exception:
        return [f"read_uploads raised: {traceback.format_exc(limit=-3)}"]
    problems = check_items(items, store)
    if not items or not isinstance(items[-1], Article) or items[-1].paths != [GOOD_FILE[0]]:
        problems.append("the good file after it was not read")
    return problems


def check_file(extension: str, data: bytes, max_bytes: int, store, folder: Path) -> list[str]:
    """The properties, for ``data`` saved as a file ending in ``extension`` and read by path, with a good file."""
    from rashomon.ingest import read_inputs

    path = folder / f"input{extension}"
    path.write_bytes(data)
    good = folder / GOOD_FILE[0]
    good.write_bytes(GOOD_FILE[1])
    try:
        items = list(read_inputs([str(path), str(good)], max_bytes=max_bytes))
    except Exception:
        return [f"read_inputs raised: {traceback.format_exc(limit=-3)}"]
    problems = check_items(items, store)
    if not items or not isinstance(items[-1], Article) or items[-1].paths != [str(good)]:
        problems.append("the good file after it was not read")
    return problems


def check_stdin(data: bytes, max_bytes: int, store) -> list[str]:
    """The properties, for ``data`` on standard input (its format told from its content)."""
    from rashomon.ingest import read_inputs

    try:
        items = list(read_inputs(["-"], max_bytes=max_bytes, stdin=io.BytesIO(data)))
    except Exception:
        return [f"read_inputs on stdin raised: {traceback.format_exc(limit=-3)}"]
    return check_items(items, store)


GOOD_RECORD = "good record"
# Why a whole JSON Lines or CSV file may be refused, so that a good record at its end is not read either.
_WHOLE_FILE_REASONS = (
    "JSON Lines must be UTF-8",
    "binary file, not text",
    "quoted field never closed",
    "not valid UTF-8",
    'no "text" column',
    "header: ",
    "empty file",
)


def check_rest_goes_on(target: str, data: bytes, max_bytes: int, store) -> list[str]:
    """For JSON Lines, CSV and TSV: with a good record appended, whatever the records before it did, it is read,
    unless the file as a whole is refused for one of ``_WHOLE_FILE_REASONS``."""
    from rashomon.ingest import read_uploads
    from rashomon.ingest.decoding import byte_order_mark
    from rashomon.ingest.delimited import split_rows

    if target not in ("jsonl", "csv", "tsv"):
        return []
    mark = byte_order_mark(data[:4])
    if mark is not None and mark.name != "UTF-8":
        return []  # the record appended in UTF-8 would not be one in this file
    separator = b"" if not data or data.endswith(b"\n") else b"\n"
    if target == "jsonl":
        good = json.dumps({"text": GOOD_RECORD}).encode()
    else:
        delimiter = "," if target == "csv" else "\t"
        header = next(split_rows(io.BytesIO(data), delimiter, max_bytes), None)
        if header is None or header.problem or header.fields > 150:
            return []
        good = delimiter.join([GOOD_RECORD] * header.fields).encode()  # the text column, wherever it is
    name = f"input{TARGETS[target]}"
    try:
        items = list(read_uploads([(name, data + separator + good + b"\n")], max_bytes=max_bytes))
    except Exception:
        return [f"read_uploads raised: {traceback.format_exc(limit=-3)}"]
    last = items[-1] if items else None
    if isinstance(last, Article) and last.original == GOOD_RECORD:
        return check_items(items, store)
    if isinstance(last, Rejection) and last.input == name and any(why in last.problem for why in _WHOLE_FILE_REASONS):
        return check_items(items, store)
    return [f"the good record at the end was not read (last: {last!r:.300})"]


def check_all(target: str, data: bytes, max_bytes: int, store, folder: Path) -> list[str]:
    extension = TARGETS[target]
    problems = check_upload(extension, data, max_bytes, store) + check_file(extension, data, max_bytes, store, folder)
    if target in ("text", "html", "json", "jsonl"):  # what stdin's format detection chooses between
        problems += check_stdin(data, max_bytes, store)
    return problems + check_rest_goes_on(target, data, max_bytes, store)


@dataclass
class TargetResult:
    target: str
    examples: int = 0
    failures: int = 0
    slowest_s: float = 0.0
    first_failures: list[str] = field(default_factory=list)


def random_example(target: str, rng: random.Random) -> tuple[bytes, int]:
    """One example for ``target``: mostly a mutated sample, sometimes arbitrary bytes; and a --max-bytes."""
    max_bytes = rng.choice(MAX_BYTES_CHOICES)
    if rng.random() < 0.15:
        return rng.randbytes(rng.randrange(0, 4096)), max_bytes

    def mutations(most: int) -> list[Mutation]:
        return [(rng.choice(MUTATIONS), rng.getrandbits(32), rng.getrandbits(32)) for _ in range(rng.randrange(most))]

    return fuzz_input(target, rng.getrandbits(8), mutations(6), mutations(3)), max_bytes


def fuzz_target(target: str, seconds: float, seed: int, save: Path | None, store, folder: Path) -> TargetResult:
    rng = random.Random(f"{seed}:{target}")
    result = TargetResult(target)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data, max_bytes = random_example(target, rng)
        started = time.monotonic()
        problems = check_all(target, data, max_bytes, store, folder)
        result.slowest_s = max(result.slowest_s, time.monotonic() - started)
        result.examples += 1
        if problems:
            result.failures += 1
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                stem = save / f"{target}-{result.failures}"
                Path(f"{stem}{TARGETS[target]}").write_bytes(data)
                Path(f"{stem}.problem.txt").write_text(f"max_bytes={max_bytes}\n" + "\n".join(problems) + "\n")
            if len(result.first_failures) < 3:
                result.first_failures.append(f"{problems[0][:300]} (input {data[:120]!r}, max_bytes={max_bytes})")
    return result


def run_fuzz_bench(
    targets: Sequence[str], minutes: float, seed: int = 0, save: Path | None = None, out: Callable[[str], None] = print
) -> int:
    """Fuzz each target for ``minutes``; returns the number of failing examples."""
    from rashomon.store import Store

    results = []
    with tempfile.TemporaryDirectory(prefix="rashomon-fuzz-") as scratch:
        folder = Path(scratch)
        for target in targets:
            with Store(folder / f"{target}.db") as store:
                result = fuzz_target(target, minutes * 60, seed, save, store, folder)
            results.append(result)
            out(
                f"{target}: examples={result.examples} failures={result.failures} "
                f"slowest={result.slowest_s:.2f}s minutes={minutes:g}"
            )
            for failure in result.first_failures:
                out(f"  failure: {failure}")
    examples = sum(r.examples for r in results)
    failures = sum(r.failures for r in results)
    out(f"readers={len(results)} examples={examples} failures={failures}")
    return failures
