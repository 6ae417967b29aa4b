"""The lab's datasets: readers of the public datasets the models are trained and benchmarked on, their held-out
splits and their tasks' official scores. ``rashomon.learn`` (training) and ``rashomon.bench`` (benchmarks) both
read them from here, so a training script and its bench rebuild the same split from the same files.

* ``semeval2022``: SemEval-2022 Task 8 article pairs (story similarity) and their features;
* ``semeval2023``: SemEval-2023 Task 3 (persuasion techniques per paragraph, genre, frames, spans);
* ``ptc``: SemEval-2020 Task 11, PTC (technique of a given span);
* ``fnc1``: FNC-1 (stance of a body towards a headline);
* ``gold``: the hand-checked analysis gold set (entities and quotes) over the texts above;
* ``splits``: held-out splits as pure functions of an id.

Nothing in the runtime (ingest ... present, web) imports this package.
"""

from __future__ import annotations


def repair_text(text: str) -> str:
    """Undo double-encoded UTF-8 and nothing else (quotes, widths, ligatures stay): the repair the similarity
    bench reads its pairs with and every gold text went through before it was hashed and annotated."""
    import ftfy

    return ftfy.fix_text(
        text, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False, normalization=None
    )
