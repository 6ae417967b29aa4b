"""How much of one article the per-article stages read: every bound on hostile input, in one place.

Article content is untrusted: a page can be one 1 MB "word", 100,000 one-letter lines, a number of
5,000 digits or a 49 MB dump. Every stage's time must grow about linearly with the text it reads and
its memory must stay bounded, so the stages read at most what these constants allow. The figures
come from real articles: the 1,622 articles of the SemEval-2023 Task 3 (six languages) and PTC
corpora are at most 47,473 characters long, have at most 430 lines, and no paragraph is longer than
6,198 characters. Every bound sits well above those, so a real article is always read whole and its
analysis does not depend on them.

``rashomon bench hostile`` runs the pathological cases through every article stage and reports
seconds and peak memory per case (docs/benchmarks.md, "Hostile input: pathological texts").
"""

from __future__ import annotations

# Cleaning reads at most this many characters of the original (up to a line break when there is one
# in the second half), so every later stage reads at most this much. Six times the longest real
# article; what lies beyond is recorded as removed ("beyond-length-limit") and the analysis note says
# how much was analysed.
MAX_ARTICLE_CHARS = 300_000
# ... and at most this many non-empty lines: a text of 100,000 one-letter lines is short in characters
# but costs per paragraph in every stage (the persuasion model compares every paragraph with every
# other one). More than ten times the most lines of a real article.
MAX_ARTICLE_LINES = 5_000
# The spaCy and natasha parsers get at most this much of the text (up to a line break); the rules
# handle the rest.
MAX_PARSE_CHARS = 100_000
# ... and at most this many tokens: the parsers' memory grows with tokens (about 17 KB each for
# spaCy, 10 KB for natasha), not characters, and a text of commas has one token per character where
# prose has one per five (100,000 characters of prose are 19,000 tokens; the longest real article,
# under 10,000).
MAX_PARSE_TOKENS = 30_000
# Quotes are sought sentence by sentence, and every speech cue reads the sentence around it; a longer
# "sentence" (a text without full stops) is read in pieces of at most this many characters, so each
# cue's work stays bounded. Twice the longest of the 65,000 sentences of the real articles (1,237
# characters).
MAX_SENTENCE_CHARS = 2_500
# spaCy's tokenizer splits punctuation off a whitespace-free stretch one character at a time, in time
# that grows faster than the square of its length (8,000 characters of "!?" took 25 s): the parse
# stops before the first stretch longer than this. Twice the longest in real text of a parsed
# language (226 characters, a pasted script; URLs are under 200).
MAX_PARSE_WORD_CHARS = 500
# The sentence encoder reads at most this many characters of one text (a paragraph, a sentence, a
# statement): its memory grows with the tokens of the longest text it is given (about 15 KB a token,
# and some scripts have one token per character). Three times the longest real paragraph.
MAX_ENCODED_CHARS = 20_000
# A number written with more digits than this is an identifier, a hash or noise, not a quantity a
# reader compares: quantities and story features skip it (Python refuses to convert strings of 4,301
# digits or more to int, and a float overflows to infinity past 309).
MAX_NUMBER_DIGITS = 100
# Number words read as one number ("two hundred and thirty-four thousand five hundred ...") span at
# most this many words; a longer run of number words is read in pieces of at most this length.
MAX_NUMBER_WORDS = 20

# The comparison of a story's sources reads at most this many statements (headline, quotes, claims)
# of one article: it pairs every statement with every other of the story, so one article of 8,000
# quotes would make tens of millions of pairs. Above the most of a real article (231 statements, from
# the longest analysed, 47,000 characters).
MAX_STATEMENTS_PER_ARTICLE = 300


def cut_at_break(text: str, limit: int) -> int:
    """How much of ``text`` to read to keep at most ``limit`` characters: all of it when it fits, else up to
    the last line break in the second half of the limit, else exactly ``limit`` characters."""
    if len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", 0, limit)
    return cut if cut > limit // 2 else limit
