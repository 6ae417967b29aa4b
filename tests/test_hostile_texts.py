"""Valid texts no news article looks like: every article stage finishes, reads a bounded part, keeps offsets.

Nothing here is timed. The pathological cases run in a child process under a memory cap, with a hang
guard far above what they need, and the tests check what comes out: how much was read, what the
analysis note says, that spans stay in the original's offsets. ``rashomon bench hostile`` measures
the same cases at full size (docs/benchmarks.md, "Hostile input: pathological texts").
"""

from __future__ import annotations

from rashomon.model import OffsetMap


def test_an_offset_map_follows_its_pieces_when_they_change():
    # Each piece: 2 cleaned characters for 3 original ones ("\n\n" for "\r\n\r"), as many as a text has lines.
    offsets = OffsetMap([(2 * i, 3 * i, 2, 3) for i in range(100_000)])
    assert [offsets.to_original(p) for p in (0, 2, 4, 199_998, 200_000)] == [0, 3, 6, 299_997, 300_000]
    assert (offsets.span_to_original(4, 6).start, offsets.span_to_original(4, 6).end) == (6, 9)
    offsets.pieces = [(0, 10, 5, 5)]  # replaced
    assert offsets.to_original(2) == 12
    offsets.pieces.append((5, 20, 5, 5))  # grown
    assert offsets.to_original(6) == 21
