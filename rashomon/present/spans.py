"""Render text with highlighted spans as escaped, well-nested HTML.

Every annotation layer the report shows (removed boilerplate today; entities,
quotes, claims, techniques later) is a list of ``Mark(start, end, kind, label)``
over one string. :func:`render_spans` takes any number of them, overlapping or
not, and returns ``Markup`` that is safe to put in a template: every character
of the text and every label goes through ``markupsafe.escape``, kinds become
CSS class tokens, and overlapping spans are split so the elements nest.

Adding a layer to the report is one call: build the marks and pass them in
(see ``report.render_report(article_layers=...)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from markupsafe import Markup, escape

from .languages import lang_tag, text_dir


class Mark(NamedTuple):
    """A half-open ``[start, end)`` range of a text, of a ``kind`` with a human ``label``.

    ``lang``, when set, also gives the element ``lang=`` and ``dir=`` (e.g. a
    paragraph in another language than the article).
    """

    start: int
    end: int
    kind: str
    label: str = ""
    lang: str | None = None
    # An element id, so other parts of the page can link to the span ("#cmp-c-…"); only its first piece gets it.
    anchor: str | None = None


# Element per kind; anything else is a <span>. <del> tells assistive tech the
# text was removed.
DEFAULT_TAGS: Mapping[str, str] = {"removed": "del"}
_ALLOWED_TAGS = frozenset({"span", "del", "mark", "ins", "q", "em", "strong", "s"})

_CLASS_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def kind_class(kind: str) -> str:
    """A CSS-class-safe token for a kind (``"boilerplate:site-menu"`` -> ``"boilerplate-site-menu"``)."""
    token = _CLASS_UNSAFE.sub("-", kind.lower()).strip("-")
    return token or "x"


def _coerce(mark: Mark | Sequence) -> Mark:
    if isinstance(mark, Mark):
        return mark
    return Mark(*mark)


def normalize(marks: Iterable[Mark | Sequence], length: int) -> list[Mark]:
    """Clamp marks to ``[0, length]`` and drop empty or inverted ones."""
    out: list[Mark] = []
    for raw in marks:
        m = _coerce(raw)
        start = max(0, min(int(m.start), length))
        end = max(0, min(int(m.end), length))
        if end > start:
            out.append(m._replace(start=start, end=end))
    return out


def _open_tag(mark: Mark, tags: Mapping[str, str], continued: bool) -> str:
    tag = _tag_of(mark, tags)
    classes = f"sp sp-{kind_class(mark.kind)}"
    if continued:
        classes += " sp-cont"
    parts = [f'<{tag} class="{classes}" data-kind="{escape(mark.kind)}"']
    if mark.label:
        label = escape(mark.label)
        parts.append(f' data-label="{label}" title="{label}"')
    if mark.lang:
        parts.append(f' lang="{lang_tag(mark.lang)}" dir="{text_dir(mark.lang)}"')
    if mark.anchor and not continued:
        parts.append(f' id="{escape(mark.anchor)}"')
    parts.append(">")
    return "".join(parts)


def render_spans(
    text: str,
    marks: Iterable[Mark | Sequence] = (),
    *,
    tags: Mapping[str, str] | None = None,
) -> Markup:
    """Escape ``text`` and wrap each mark's range in an element.

    Marks may overlap arbitrarily, touch, repeat, or run past the end of the
    text (they are clamped). Where one mark ends inside another, the inner
    elements are closed and reopened (the reopened part gets class
    ``sp-cont``), so the output is always well nested. Each element has class
    ``sp sp-<kind>``, ``data-kind``, and the label as ``data-label``/``title``.
    """
    tags = DEFAULT_TAGS if tags is None else tags
    ms = normalize(marks, len(text))
    if not ms:
        return Markup(escape(text))

    # Outer (longer) marks open first at a shared start; input order breaks ties.
    order = sorted(range(len(ms)), key=lambda i: (ms[i].start, -ms[i].end, i))
    bounds = sorted({0, len(text)} | {m.start for m in ms} | {m.end for m in ms})

    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (mark index, closing tag)
    next_open = 0
    for pos, nxt in zip(bounds, bounds[1:] + [None]):
        # Close marks ending here; reopen any that sit above them and go on.
        ending = [k for k, (i, _) in enumerate(stack) if ms[i].end <= pos]
        if ending:
            lowest = ending[0]
            reopen = [i for i, _ in stack[lowest:] if ms[i].end > pos]
            for _, close in reversed(stack[lowest:]):
                out.append(close)
            del stack[lowest:]
            for i in reopen:
                out.append(_open_tag(ms[i], tags, continued=True))
                stack.append((i, f"</{_tag_of(ms[i], tags)}>"))
        # Open marks starting here.
        while next_open < len(order) and ms[order[next_open]].start == pos:
            i = order[next_open]
            out.append(_open_tag(ms[i], tags, continued=False))
            stack.append((i, f"</{_tag_of(ms[i], tags)}>"))
            next_open += 1
        if nxt is not None:
            out.append(str(escape(text[pos:nxt])))
    for _, close in reversed(stack):
        out.append(close)
    return Markup("".join(out))


def _tag_of(mark: Mark, tags: Mapping[str, str]) -> str:
    tag = tags.get(mark.kind, "span")
    return tag if tag in _ALLOWED_TAGS else "span"
