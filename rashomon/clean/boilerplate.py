"""Whole-line patterns for site chrome: menus, captions, share bars, banners.

Patterns come from ``rashomon/lang/data/<code>/boilerplate.txt``: one regular
expression a line, matched case-insensitively against a whole line (already
repaired, whitespace-collapsed and stripped), grouped under ``[category]``
headers. All languages load at once: cleaning runs before language
identification, and a pattern that must match a whole line is safe to try on
text of any language.
"""

from __future__ import annotations

import re
import re._constants as re_constants  # the parser's own names, stable across 3.11+
import re._parser as re_parser
from dataclasses import dataclass
from functools import cache
from typing import Any

from rashomon.resources import DataLine, lang_data_dir, read_data_files
from rashomon.text import fold

BOILERPLATE_FILE = "boilerplate.txt"

# Chrome is short; a long line is body text whatever words it starts with, and
# skipping it keeps the patterns' cost off the paragraphs that make up most text.
MAX_BOILERPLATE_LINE = 700


class BoilerplateDataError(ValueError):
    """A boilerplate data file holds a pattern that cannot be used."""


@dataclass(frozen=True)
class BoilerplateRule:
    code: str
    line_no: int
    category: str
    pattern: str

    @property
    def reason(self) -> str:
        return f"boilerplate:{self.category}:{self.code}:{self.line_no}"


# One alternation of several rules, and the rules themselves to tell which matched.
_RuleGroup = tuple[re.Pattern[str], list[tuple[BoilerplateRule, re.Pattern[str]]]]


class BoilerplateMatcher:
    """Finds the rule a whole line matches, cheaply enough to run on every line.

    Rules that start at the line's start are grouped by the (folded) characters
    they can start with, and each group is compiled into one alternation, so a
    line is tried only against rules that can start the way it does. Rules that
    start with ``.{m,n}`` (a credit ending a caption, a notice inside a footer)
    would otherwise scan every line character by character, so each is tried only
    when the line holds one of the literal words it cannot match without.
    """

    def __init__(self, rules: list[BoilerplateRule]) -> None:
        self.rules = rules
        for rule in rules:
            _check_rule(rule)
        self._anchored = [
            (rule, re.compile(rule.pattern, re.IGNORECASE), first_chars(rule.pattern))
            for rule in rules
            if not _is_floating(rule.pattern)
        ]
        self._by_first_char: dict[str, _RuleGroup] = {}
        # A line starting with any other character can only match rules whose start
        # is unknown; all such lines share one group (compiled once, not per character).
        self._first_chars_named = frozenset(ch for _, _, starts in self._anchored if starts for ch in starts)
        self._floating = [
            (rule, re.compile(rule.pattern, re.IGNORECASE)) for rule in rules if _is_floating(rule.pattern)
        ]
        self._floating_gates = [required_literals(rule.pattern) for rule, _ in self._floating]
        self._gate_words = sorted(set().union(*(gate for gate in self._floating_gates if gate)))

    def match(self, line: str) -> BoilerplateRule | None:
        """The rule a whole stripped line matches, if any."""
        if not line or len(line) > MAX_BOILERPLATE_LINE:
            return None
        folded = fold(line, keep_accents=True)
        first = folded[:1]
        combined, group = self._group_for(first if first in self._first_chars_named else "")
        if combined.fullmatch(line):
            # Few lines match; finding which rule did is cheap then.
            return next(rule for rule, regex in group if regex.fullmatch(line))
        present = {word for word in self._gate_words if word in folded}
        for (rule, regex), gate in zip(self._floating, self._floating_gates):
            if gate is not None and gate.isdisjoint(present):
                continue
            if regex.fullmatch(line):
                return rule
        return None

    def _group_for(self, first: str) -> _RuleGroup:
        # Compiled on first use: a run over English text never pays for Arabic groups.
        if first not in self._by_first_char:
            group = [(rule, regex) for rule, regex, starts in self._anchored if starts is None or first in starts]
            # Non-capturing on purpose: a group heading each alternative would stop the
            # engine from rejecting the alternative on its first literal.
            alternatives = "|".join(f"(?:{rule.pattern})" for rule, _ in group)
            self._by_first_char[first] = (re.compile(alternatives or r"(?!)", re.IGNORECASE), group)
        return self._by_first_char[first]


def _is_floating(pattern: str) -> bool:
    return pattern.startswith(".")


def first_chars(pattern: str) -> frozenset[str] | None:
    """The folded characters every match of ``pattern`` starts with, if known."""
    found = _first_chars_of_sequence(list(re_parser.parse(pattern, re.IGNORECASE).data))
    return frozenset(found) if found else None


def _first_chars_of_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    for index, (op, arg) in enumerate(items):
        if op is re_constants.AT:  # \b, ^: zero width, look further
            continue
        if op is re_constants.LITERAL:
            return {fold(chr(arg), keep_accents=True)[:1]}
        if op is re_constants.IN:
            if all(item_op is re_constants.LITERAL for item_op, _ in arg):
                return {fold(chr(code), keep_accents=True)[:1] for _, code in arg}
            return None
        if op is re_constants.SUBPATTERN:
            return _first_chars_of_sequence(list(arg[-1].data))
        if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT, re_constants.POSSESSIVE_REPEAT):
            low, _high, body = arg
            head = _first_chars_of_sequence(list(body.data))
            if low >= 1 or head is None:
                return head
            # An optional head ("(?:the )?menu"): either it or what follows starts the match.
            rest = _first_chars_of_sequence(items[index + 1 :])
            return head | rest if rest is not None else None
        if op is re_constants.BRANCH:
            chars: set[str] = set()
            for branch in arg[1]:
                found = _first_chars_of_sequence(list(branch.data))
                if not found:
                    return None
                chars |= found
            return chars
        return None
    return None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Words (folded) one of which any match of ``pattern`` must contain, if known.

    Read from the parsed pattern: a run of three or more literal characters is
    required where it stands outside any optional part; an alternation is required
    when each branch has such a run. The longest requirement wins.
    """
    try:
        parsed = re_parser.parse(pattern, re.IGNORECASE)
    except (re.error, AttributeError):  # pragma: no cover - checked in _check_rule
        return None
    needed = _required_in_sequence(list(parsed.data))
    return frozenset(fold(word, keep_accents=True) for word in needed) if needed else None


def _required_in_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    candidates: list[set[str]] = []
    run: list[str] = []

    def close_run() -> None:
        # Three letters are selective enough; so is one rare symbol such as "©".
        if len(run) >= 3 or any(ord(ch) > 127 and not ch.isalnum() for ch in run):
            candidates.append({"".join(run)})
        run.clear()

    for op, arg in items:
        if op is re_constants.LITERAL:
            run.append(chr(arg))
            continue
        close_run()
        found = _required_in_item(op, arg)
        if found:
            candidates.append(found)
    close_run()
    if not candidates:
        return None
    # The most selective requirement: the one whose shortest word is longest.
    return max(candidates, key=lambda words: min(len(w) for w in words))


def _required_in_item(op: Any, arg: Any) -> set[str] | None:
    if op is re_constants.SUBPATTERN:
        return _required_in_sequence(list(arg[-1].data))
    if op is re_constants.ATOMIC_GROUP:
        return _required_in_sequence(list(arg.data))
    if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT, re_constants.POSSESSIVE_REPEAT):
        low, _high, body = arg
        return _required_in_sequence(list(body.data)) if low >= 1 else None
    if op is re_constants.BRANCH:
        words: set[str] = set()
        for branch in arg[1]:
            found = _required_in_sequence(list(branch.data))
            if not found:
                return None
            words |= found
        return words
    return None


def _check_rule(rule: BoilerplateRule) -> None:
    where = f"{rule.code}/{BOILERPLATE_FILE}:{rule.line_no}"
    if not rule.category:
        raise BoilerplateDataError(f"{where}: pattern before any [category] header")
    try:
        compiled = re.compile(rule.pattern, re.IGNORECASE)
    except re.error as exc:
        raise BoilerplateDataError(f"{where}: {exc}") from exc
    # Capturing groups would renumber back-references once every rule sits in one
    # alternation.
    if compiled.groups:
        raise BoilerplateDataError(f"{where}: use (?:...) instead of capturing groups")


def rules_from_data(lines: list[DataLine]) -> list[BoilerplateRule]:
    return [BoilerplateRule(line.code, line.line_no, line.section, line.value) for line in lines]


@cache
def boilerplate_matcher() -> BoilerplateMatcher:
    return BoilerplateMatcher(rules_from_data(read_data_files(lang_data_dir(), BOILERPLATE_FILE)))
