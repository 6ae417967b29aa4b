"""How much of one article the per-article stages read: every bound on hostile input, in one place.

Article content is untrusted: a page can be one 1 MB "word", 100,000 one-letter lines, a number of
5,000 digits or a 49 MB dump. Every stage's time must grow about linearly with the text it reads and
its memory must stay bounded, so the stages read at most what these constants allow. The figures
come from real articles: the 1,622 articles of the SemEval-2023 Task 3 (six languages) and PTC
corpora are at most 47,473 characters long, have at most 430 lines, and no paragraph is longer than
6,198 characters. Every bound sits well above those, so a real article is always read whole and its
analysis does not depend on them.
"""

from __future__ import annotations

# A number written with more digits than this is an identifier, a hash or noise, not a quantity a
# reader compares: quantities and story features skip it (Python refuses to convert strings of 4,301
# digits or more to int, and a float overflows to infinity past 309).
MAX_NUMBER_DIGITS = 100
# Number words read as one number ("two hundred and thirty-four thousand five hundred ...") span at
# most this many words; a longer run of number words is read in pieces of at most this length.
MAX_NUMBER_WORDS = 20
