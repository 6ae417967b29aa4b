"""Hostile input, property-tested: every reader, stdin and uploads, on arbitrary and mutated bytes.

The properties and the mutations are those of the long campaign (``rashomon bench fuzz``, in
rashomon.bench.fuzz): nothing raises, only Articles and Rejections come out, a good file after the hostile one is
still read, every Rejection is one line, every Article string encodes as UTF-8, and all of it goes into a real
SQLite store. Here hypothesis draws the inputs: few enough for CI, and derandomized, so every run tries the same.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from rashomon.bench.fuzz import (
    MAX_BYTES_CHOICES,
    MUTATIONS,
    TARGETS,
    check_all,
    check_items,
    check_stdin,
    fuzz_input,
)
from rashomon.ingest import read_uploads
from rashomon.ingest.decoding import JsonProblem, json_depth, parse_json
from rashomon.ingest.delimited import split_rows
from rashomon.store import Store


def ci(max_examples: int) -> settings:
    # deadline=None: a busy CI machine must not turn a slow example into a failure; derandomize and no database:
    # the same examples on every run and machine.
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# HTML goes through trafilatura, a hundred times slower than the other readers: fewer examples keep the file
# under a minute on two cores.
EXAMPLES = {"html": 8, "warc": 40, "warc.gz": 40}
DEFAULT_EXAMPLES = 50

mutations = st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=6
)
max_bytes_choices = st.sampled_from(MAX_BYTES_CHOICES)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("fuzz-db") / "fuzz.db") as opened:
        yield opened


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-files")


def test_every_reader_is_a_fuzz_target() -> None:
    from rashomon.ingest import READERS

    fuzzed = {READERS[extension].read for extension in TARGETS.values()}
    assert {reader.read for reader in READERS.values()} == fuzzed


@pytest.mark.parametrize("target", list(TARGETS))
def test_reader_on_mutated_valid_input(target: str, store, folder) -> None:
    @ci(EXAMPLES.get(target, DEFAULT_EXAMPLES))
    @given(sample=st.integers(0, 7), plain=mutations, stored=mutations, max_bytes=max_bytes_choices)
    def property_holds(sample: int, plain: list, stored: list, max_bytes: int) -> None:
        data = fuzz_input(target, sample, plain, stored[:2])
        assert check_all(target, data, max_bytes, store, folder) == []

    property_holds()


@pytest.mark.parametrize("target", list(TARGETS))
def test_reader_on_arbitrary_bytes(target: str, store, folder) -> None:
    @ci(EXAMPLES.get(target, DEFAULT_EXAMPLES))
    @given(data=st.binary(max_size=4096), max_bytes=max_bytes_choices)
    def property_holds(data: bytes, max_bytes: int) -> None:
        assert check_all(target, data, max_bytes, store, folder) == []

    property_holds()


@ci(60)
@given(
    target=st.sampled_from(["text", "json", "jsonl"]),
    sample=st.integers(0, 7),
    plain=mutations,
    max_bytes=max_bytes_choices,
)
def test_stdin_format_detection_on_mutated_input(store, target: str, sample: int, plain: list, max_bytes: int) -> None:
    assert check_stdin(fuzz_input(target, sample, plain, []), max_bytes, store) == []


@ci(60)
@given(data=st.binary(max_size=4096), max_bytes=max_bytes_choices)
def test_stdin_on_arbitrary_bytes(store, data: bytes, max_bytes: int) -> None:
    assert check_stdin(data, max_bytes, store) == []


@ci(30)
@given(
    uploads=st.lists(
        st.tuples(st.sampled_from([t for t in TARGETS if t != "html"]), st.integers(0, 7), mutations),
        min_size=1,
        max_size=4,
    ),
    max_bytes=max_bytes_choices,
)
def test_upload_batch_of_hostile_files(store, uploads: list, max_bytes: int) -> None:
    files = [
        (f"upload{n}{TARGETS[target]}", fuzz_input(target, sample, plain, []))
        for n, (target, sample, plain) in enumerate(uploads)
    ]
    items = list(
        read_uploads([*files, ("good.txt", b"The last file is read whatever came before.")], max_bytes=max_bytes)
    )
    assert check_items(items, store) == []
    assert items[-1].paths == ["good.txt"]


@ci(20)
@given(data=st.binary(max_size=2048))
def test_upload_under_any_name(store, data: bytes) -> None:
    for name in ("x.WARC.GZ", ".json", "\udcff.csv", "no-extension", "a.b.jsonl", "line\nbreak.txt", "../../x.tsv"):
        items = list(read_uploads([(name, data), ("good.txt", b"Read after it.")], max_bytes=2_000))
        assert check_items(items, store) == [], name
        assert items[-1].paths == ["good.txt"], name


# --- the pieces the readers stand on -------------------------------------------

CSV_CHARACTERS = st.sampled_from(["a", "b", ",", '"', '""', "\n", "\r\n", " ", "\u00e9", "\t"])


@ci(300)
@given(st.lists(CSV_CHARACTERS, max_size=60).map("".join), st.sampled_from([",", "\t"]))
def test_rows_are_split_where_the_csv_module_ends_them(body: str, delimiter: str) -> None:
    try:
        expected = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error:
        assume(False)
    rows = list(split_rows(io.BytesIO(body.encode()), delimiter, 10_000))
    assume(all(row.problem is None for row in rows))
    found = [cells for row in rows for cells in csv.reader([row.data.decode()], delimiter=delimiter)]
    assert found == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


def nesting(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((nesting(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((nesting(item) for item in value.values()), default=0)
    return 0


@ci(150)
@given(json_values, st.booleans())
def test_parse_json_reads_valid_json_as_json_does(value: object, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert json_depth(text) == nesting(value)
    assert parse_json(text) == json.loads(text)
    assert parse_json(text.encode()) == json.loads(text)


@ci(300)
@given(st.one_of(st.text(alphabet=st.sampled_from('[]{}",:\\ a1\ud800n\n'), max_size=200), st.binary(max_size=200)))
def test_parse_json_raises_nothing_but_json_problem(text: str | bytes) -> None:
    try:
        parse_json(text)
    except JsonProblem as problem:
        assert len(str(problem).splitlines()) == 1


def test_bench_fuzz_command(tmp_path: Path) -> None:
    result = run_cli("bench", "fuzz", "--reader", ".md", "--reader", "csv", "--minutes", "0.02", cwd=tmp_path)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0, result.stderr.decode()
    assert lines[0].startswith("text: examples=") and lines[1].startswith("csv: examples=")
    assert lines[-1].startswith("readers=2 examples=") and lines[-1].endswith(" failures=0")
    unknown = run_cli("bench", "fuzz", "--reader", "pdf", cwd=tmp_path)
    assert unknown.returncode == 2 and b"unknown reader 'pdf'" in unknown.stderr
