"""The key to every colour and mark the report and the web story page draw.

Each sample is drawn with the very classes the page uses for the thing it explains (``cmp-denies``,
``sp-ent-person``, ...), so the key cannot drift from the page's colours: change a colour in report.css and the
key shows the new one. The report shows :func:`report_key`; the web story page :func:`story_key`, which adds what
only the web page draws (the timeline, the entity chips and the highlight of a chosen entity).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from .reasons import UNCERTAIN, UNCERTAIN_BELOW

# (sample HTML, meaning). Samples are trusted markup written here; meanings are plain text (escaped).
KeyRows = Sequence[tuple[Markup, str]]

COMPARISON_KEY: KeyRows = (
    (Markup('<span class="cmp-asserts">✓ asserts</span>'), "the source states the point"),
    (Markup('<span class="cmp-denies">✗ denies</span>'), "the source states the opposite, or carries a denial"),
    (Markup('<span class="cmp-hedges">~ hedges</span>'), "the source reports it with doubt, or without taking a side"),
    (Markup('<span class="cmp-silent">silent</span>'), "the source does not say it"),
    (
        Markup('<span class="key-swatch cmp-conflict-swatch" aria-hidden="true"></span>'),
        "a row in red: the sources, or one speaker, contradict each other",
    ),
    (
        Markup('<span class="cmp-uncertain">{}</span>').format(UNCERTAIN),
        f"a call with confidence below {UNCERTAIN_BELOW:.1f}: a lead to check, not a finding",
    ),
)

TEXT_KEY: KeyRows = (
    (Markup('<span class="sp sp-ent-person">person</span>'), "blue underline: a person"),
    (Markup('<span class="sp sp-ent-organisation">organisation</span>'), "brown underline: an organisation"),
    (Markup('<span class="sp sp-ent-place">place</span>'), "green underline: a place"),
    (Markup('<span class="sp sp-ent-group">group</span>'), "purple underline: a group (nationality, religion …)"),
    (Markup('<span class="sp sp-ent-other">other</span>'), "grey underline: another named thing"),
    (Markup('<span class="sp sp-quote">“quoted”</span>'), "yellow: words in quotation marks"),
    (Markup('<span class="sp sp-quote-indirect">reported</span>'), "pale yellow: reported speech (“said that …”)"),
    (Markup('<span class="sp sp-speaker">speaker</span>'), "bold: who is quoted"),
    (Markup('<span class="sp sp-claim" data-label="claim">claim</span>'), "thin underline: a checkable claim"),
    (Markup('<span class="sp sp-claim" data-label="claim (negated)">negated</span>'), "red underline: a negated claim"),
    (Markup('<span class="sp sp-claim" data-label="claim (hedged)">hedged</span>'), "amber underline: a hedged claim"),
    (
        Markup('<span class="sp sp-technique">technique</span>'),
        "orange: a persuasion technique (hover or tap for its name)",
    ),
    (
        Markup('<span class="sp sp-compared key-target">statement</span>'),
        "red outline: the statement a comparison cell links to",
    ),
    (
        Markup('<del class="sp sp-removed" data-label="boilerplate">removed</del>'),
        "struck through, in Original text: removed by cleaning, labelled with why "
        "(tan: boilerplate, purple: repeated, blue: metadata)",
    ),
)

STORY_PAGE_KEY: KeyRows = (
    (
        Markup(
            '<svg class="key-dot" viewBox="0 0 20 20" aria-hidden="true"><circle cx="10" cy="10" r="9"></circle></svg>'
        ),
        "timeline dot: one article, numbered by publication time",
    ),
    (
        Markup('<span class="chip entity-chip ent-person key-chip">name</span>'),
        "entity chip, its edge coloured by type as the underlines are",
    ),
    (Markup('<span class="entity-hit">name</span>'), "outlined: where the chosen entity is named"),
    (Markup('<span class="conflicts">contradictions</span>'), "red count: contradictions found in the story"),
)


def _rows(rows: KeyRows) -> Markup:
    return Markup("").join(
        Markup('<li><span class="key-sample">{}</span> <span class="key-meaning">{}</span></li>').format(
            sample, meaning
        )
        for sample, meaning in rows
    )


def _key(groups: Sequence[tuple[str, KeyRows]]) -> Markup:
    body = Markup("").join(
        Markup('<div class="key-group"><h4>{}</h4><ul class="key-list">{}</ul></div>').format(title, _rows(rows))
        for title, rows in groups
    )
    return Markup('<div class="colour-key">{}</div>').format(body)


def report_key() -> Markup:
    """The key for the HTML report: the comparison matrix and the marks over the texts."""
    return _key((("Comparison", COMPARISON_KEY), ("In the texts", TEXT_KEY)))


def story_key() -> Markup:
    """The key for the web story page: the report's, and what only the web page draws."""
    return _key((("Comparison", COMPARISON_KEY), ("In the texts", TEXT_KEY), ("On this page", STORY_PAGE_KEY)))
