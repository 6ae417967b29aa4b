"""What one article contributes to story matching: vectors, names, numbers, date.

Every article is encoded as a handful of short texts (title, lead, the opening
as a document, and a few body chunks), all in one encoder call per batch,
because the encoder's cost grows with the characters it reads and a batch of
many texts runs far faster than many calls. The chunks let a long article be
matched by what it says past its opening.

Names and numbers are cheap lexical evidence the encoder blurs: two articles
about different shootings read alike to it, but name different towns and give
different death tolls.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Iterable, Sequence

import numpy as np

from rashomon.bounds import MAX_NUMBER_DIGITS
from rashomon.embed import Encoder
from rashomon.resources import data_lines, digest_data_files, lang_data_dir
from rashomon.text import dominant_script, letter_script, published_datetime, translit_table

# Bump when a change alters the features: stored features are then recomputed. VERSION adds a digest of the
# name-key lists, so editing one recomputes them too.
# 2: numbers of more than rashomon.bounds.MAX_NUMBER_DIGITS digits are no evidence (they crashed int()).
CODE_VERSION = "2"
# Per-script name-key lists (rashomon/lang/data/<code>/name_keys.txt): read for every word in that
# script, whatever the article's language.
NAME_KEY_FILE = "name_keys.txt"


VERSION = f"{CODE_VERSION}+{digest_data_files((lang_data_dir(),), (NAME_KEY_FILE,), chars=12)}"

TITLE_MAX_CHARS = 200
LEAD_CHARS = 400
DOC_CHARS = 1500
CHUNK_CHARS = 400
MAX_CHUNKS = 6
# A trailing piece shorter than this joins the chunk before it: a few words
# make a noisy vector.
MIN_CHUNK_CHARS = 150
# Names and numbers are read from this much text; past it, pages are mostly
# comments and related-article lists.
LEXICAL_CHARS = 6000
# Han, kana and hangul carry several times more meaning per character than
# alphabetic scripts, so their character budgets shrink by this factor.
DENSE_SCRIPT_FACTOR = 2.5

Article = tuple[str | None, str, str | None, str | None]  # title, text, published, language


@dataclass
class StoryFeatures:
    """One article's features; vectors are L2-normalised float32 rows."""

    title_vector: np.ndarray  # (dim,)
    lead_vector: np.ndarray  # (dim,)
    doc_vector: np.ndarray  # (dim,)
    chunk_vectors: np.ndarray  # (n_chunks, dim), n_chunks >= 1
    names: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    published: str | None = None  # ISO 8601 date or datetime
    language: str | None = None
    title: str = ""  # the title text the title vector encodes
    script: str = ""  # dominant script, for when the language is unknown
    length: int = 0  # body length in characters, dense scripts scaled to alphabetic ones

    def to_bytes(self) -> bytes:
        """Compact binary form: magic, header length, JSON header, float32 matrix."""
        header = {
            "names": sorted(self.names),
            "numbers": sorted(self.numbers),
            "published": self.published,
            "language": self.language,
            "title": self.title,
            "script": self.script,
            "length": self.length,
            "n_chunks": int(self.chunk_vectors.shape[0]),
            "dim": int(self.doc_vector.shape[0]),
        }
        head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        matrix = np.vstack([self.title_vector, self.lead_vector, self.doc_vector, self.chunk_vectors])
        return _MAGIC + struct.pack("<I", len(head)) + head + np.ascontiguousarray(matrix, dtype="<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "StoryFeatures":
        if data[: len(_MAGIC)] != _MAGIC:
            raise ValueError("not story features (bad magic)")
        (head_len,) = struct.unpack_from("<I", data, len(_MAGIC))
        start = len(_MAGIC) + 4
        header = json.loads(data[start : start + head_len].decode("utf-8"))
        rows = 3 + header["n_chunks"]
        matrix = np.frombuffer(data, dtype="<f4", count=rows * header["dim"], offset=start + head_len)
        matrix = matrix.reshape(rows, header["dim"]).astype(np.float32)
        return cls(
            title_vector=matrix[0],
            lead_vector=matrix[1],
            doc_vector=matrix[2],
            chunk_vectors=matrix[3:],
            names=frozenset(header["names"]),
            numbers=frozenset(header["numbers"]),
            published=header["published"],
            language=header["language"],
            title=header.get("title", ""),
            script=header.get("script", ""),
            length=int(header.get("length", 0)),
        )


_MAGIC = b"RSF1"


@dataclass(frozen=True)
class ArticleTexts:
    """The pieces of one article that get encoded."""

    title: str
    lead: str
    doc: str
    chunks: list[str]
    script: str  # dominant script of the body
    length: int  # body characters, dense scripts scaled up to alphabetic equivalents

    def all(self) -> list[str]:
        return [self.title, self.lead, self.doc, *self.chunks]


def compute_features(articles: Sequence[Article], encoder: Encoder) -> list[StoryFeatures]:
    """Features for a batch of ``(title, text, published, language)``, one encoder call."""
    prepared = [article_texts(title, text) for title, text, _, _ in articles]
    texts = [piece for pieces in prepared for piece in pieces.all()]
    vectors = encoder.encode(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    features: list[StoryFeatures] = []
    row = 0
    for (title, text, published, language), pieces in zip(articles, prepared):
        n = 3 + len(pieces.chunks)
        block = np.asarray(vectors[row : row + n], dtype=np.float32)
        row += n
        lexical = f"{title}\n{text}" if title else text
        features.append(
            StoryFeatures(
                title_vector=block[0],
                lead_vector=block[1],
                doc_vector=block[2],
                chunk_vectors=block[3:],
                names=extract_names(lexical[:LEXICAL_CHARS]),
                numbers=extract_numbers(lexical[:LEXICAL_CHARS]),
                published=normalise_published(published),
                language=(language or None),
                title=pieces.title,
                script=pieces.script,
                length=pieces.length,
            )
        )
    return features


# --- The texts to encode -----------------------------------------------------


def article_texts(title: str | None, text: str) -> ArticleTexts:
    """Title, lead, document opening and body chunks of one article."""
    text = _squeeze_spaces(text or "")
    title = _squeeze_spaces(title or "")
    if not title:
        title, body = guess_title(text)
    else:
        body = _drop_leading_title(text, title)
    script = dominant_script(body[:2000] or title)
    scale = 1 / DENSE_SCRIPT_FACTOR if script == "dense" else 1.0
    lead = cut_at_word(body, int(LEAD_CHARS * scale)) or title
    doc = cut_at_word(f"{title}\n{body}" if title else body, int(DOC_CHARS * scale)) or title
    chunks = chunk_body(body, int(CHUNK_CHARS * scale), MAX_CHUNKS) or [doc]
    return ArticleTexts(
        title=title or lead[:TITLE_MAX_CHARS],
        lead=lead,
        doc=doc,
        chunks=chunks,
        script=script,
        length=round(len(body) / scale),
    )


_TITLE_SEPARATOR = re.compile(r"\n|\s{2,}")


def split_title(text: str) -> tuple[str | None, str]:
    """Split ``"Title  body"`` or ``"Title\\nbody"`` (the SemEval layout) into its parts.

    Returns ``(None, text)`` when no separator closes a plausible title.
    """
    stripped = text.strip()
    match = _TITLE_SEPARATOR.search(stripped[: TITLE_MAX_CHARS + 100])
    if not match:
        return None, stripped
    title = stripped[: match.start()].strip()
    if len(title) < 8:
        return None, stripped
    return title, stripped[match.end() :].strip()


def guess_title(text: str) -> tuple[str, str]:
    """A title for an article that came without one, and the text after it.

    Scraped pages open with dates, site names and bylines, so the title is the
    first line that reads like a headline (5 to 30 words), with a site suffix
    after "|" dropped; failing that, the first sentence.
    """
    offset = 0
    for line in text.split("\n", 12)[:12]:  # not every line: a text can have millions
        candidate = max(line.split(" | "), key=len).strip()
        if _looks_like_headline(candidate):
            return candidate, text[offset + len(line) :].strip()
        offset += len(line) + 1
    sentence = first_sentence(text)
    return sentence, text[len(sentence) :].strip() if text.startswith(sentence) else text


def _looks_like_headline(line: str) -> bool:
    if dominant_script(line) == "dense":
        return 8 <= len(line) <= 80
    words = len(line.split())
    return 5 <= words <= 30 and len(line) <= TITLE_MAX_CHARS and sum(c.isalpha() for c in line) > len(line) / 2


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])|\n")


def first_sentence(text: str, max_chars: int = TITLE_MAX_CHARS) -> str:
    """The first sentence (or line), cut at a word boundary near ``max_chars``."""
    text = text.strip()
    match = _SENTENCE_END.search(text, 1)
    sentence = text[: match.start()].strip() if match else text
    return cut_at_word(sentence, max_chars)


def cut_at_word(text: str, max_chars: int) -> str:
    """At most ``max_chars`` characters, not ending inside a word where avoidable."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars * 0.6 else cut).rstrip()


def chunk_body(body: str, chunk_chars: int, max_chunks: int) -> list[str]:
    """Consecutive pieces of about ``chunk_chars``, split between sentences."""
    pieces: list[str] = []
    current = ""
    for sentence in _sentences(body):
        if current and len(current) + len(sentence) > chunk_chars:
            pieces.append(current)
            current = ""
            if len(pieces) == max_chunks:
                break
        current = f"{current} {sentence}".strip() if current else sentence
        while len(current) > chunk_chars * 1.5:
            head = cut_at_word(current, chunk_chars)
            pieces.append(head)
            current = current[len(head) :].strip()
            if len(pieces) == max_chunks:
                return pieces
    if current and len(pieces) < max_chunks:
        if pieces and len(current) < MIN_CHUNK_CHARS * chunk_chars / CHUNK_CHARS:
            pieces[-1] = f"{pieces[-1]} {current}"
        else:
            pieces.append(current)
    return pieces


def _sentences(text: str) -> Iterable[str]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()].strip()
        if piece:
            yield piece
        start = match.end()
    tail = text[start:].strip()
    if tail:
        yield tail


def _squeeze_spaces(text: str) -> str:
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def _drop_leading_title(text: str, title: str) -> str:
    # Extractors often repeat the headline as the text's first line.
    return text[len(title) :].strip() if text.startswith(title) else text


# --- Names -------------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]{2,}")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n\"«»“”„‹›()\[\]•|–—]")


@cache
def _name_key_list(code: str, section: str) -> tuple[str, ...]:
    """One section of a language's ``name_keys.txt``, in file order."""
    return tuple(line.value for line in data_lines(code, NAME_KEY_FILE) if line.section == section)


@cache
def _arabic_not_names() -> frozenset[str]:
    return frozenset(_name_key_list("ar", "not-names"))


# Keys keep this many characters, so inflected forms (Putina, Warszawie,
# Merkels) meet their base form.
NAME_KEY_CHARS = 6


def extract_names(text: str) -> frozenset[str]:
    """Normalised keys of the names in ``text`` (see ``name_key``)."""
    keys: set[str] = set()
    keys |= _cased_names(text)
    keys |= _uncased_names(text)
    return frozenset(k for k in keys if k)


def _cased_names(text: str) -> set[str]:
    """Capitalised words; a sentence's first word counts only if it is capitalised elsewhere too.

    So do all words of a Title Case headline, where "Under" or "Their" are
    capitalised for style, not because they name anything.
    """
    inside: set[str] = set()
    initial: set[str] = set()
    for line in text.split("\n"):
        title_case = _is_title_case(line)
        previous_end = 0
        for match in _LETTERS.finditer(line):
            word = match.group()
            gap = line[previous_end : match.start()]
            previous_end = match.end()
            if len(word) < 2 or not word[0].isupper():
                continue
            key = name_key(word)
            if word.isupper():
                inside.add(key)  # acronyms are names wherever they stand
            elif title_case or match.start() == 0 or _SENTENCE_BREAK.search(gap):
                initial.add(key)
            else:
                inside.add(key)
    return inside | (initial & inside)


def _is_title_case(line: str) -> bool:
    cased = [w for w in _LETTERS.findall(line) if w[0].isupper() or w[0].islower()]
    if len(cased) < 3:
        return False
    return sum(w[0].isupper() for w in cased) >= 0.7 * len(cased)


def _uncased_names(text: str) -> set[str]:
    keys: set[str] = set()
    for word in _LETTERS.findall(text):
        script = letter_script(word[0])
        if script == "arabic":
            keys.add(_arabic_key(word))
        elif script == "hangul" and len(word) >= 2:
            keys.add(word[:-1] if len(word) > 2 and word.endswith(_name_key_list("ko", "particles")) else word)
    keys.update(_KATAKANA_RUN.findall(text))
    keys |= _repeated_han_bigrams(text)
    return keys


def _arabic_key(word: str) -> str:
    if word in _arabic_not_names():
        return ""
    for prefix in _name_key_list("ar", "prefixes"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    return name_key(word) if len(word) >= 3 else ""


def _repeated_han_bigrams(text: str) -> set[str]:
    # Chinese has no case or spaces; a two-character sequence used twice in one
    # article is mostly a name or the topic's key term.
    seen: set[str] = set()
    repeated: set[str] = set()
    for run in _HAN_RUN.findall(text):
        for i in range(len(run) - 1):
            bigram = run[i : i + 2]
            (repeated if bigram in seen else seen).add(bigram)
    return repeated


def name_key(word: str) -> str:
    """Fold a name so spelling variants meet: accents, script, doubled letters, a final h.

    "Raqqa", "Raqqah" and "Ракка" all give "rak"; CJK stays as is.
    """
    word = unicodedata.normalize("NFKD", word.lower())
    names = translit_table("names")
    out = []
    for ch in word:
        if unicodedata.combining(ch):
            continue
        out.append(names.get(ch, ch))
    folded = "".join(out)
    if not folded.isascii():
        return folded  # scripts without a transliteration here keep their letters
    folded = re.sub(r"[^a-z0-9]", "", folded)
    folded = folded.replace("ph", "f").replace("kh", "h").replace("ck", "k").replace("q", "k")
    folded = re.sub(r"(.)\1+", r"\1", folded.replace("y", "i"))
    if len(folded) > 3 and folded.endswith("h"):
        folded = folded[:-1]
    # Languages differ mostly in a name's ending: Syria/Syrie/Siria, Italy/Italia.
    stem = re.sub(r"[aeiou]+$", "", folded)
    return (stem if len(stem) >= 3 else folded)[:NAME_KEY_CHARS]


# --- Numbers -----------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,'\u00a0\u202f]\d+|\s\d{3}(?!\d))*")


def extract_numbers(text: str) -> frozenset[str]:
    """Numbers written in any common convention, normalised ("3,000" = "3.000" = "3000").

    Single digits are left out: they are everywhere and often spelled as words; so are numbers of
    more than ``MAX_NUMBER_DIGITS`` digits (identifiers, noise).
    """
    text = unicodedata.normalize("NFKC", text)  # full-width digits
    found = {normalise_number(m.group()) for m in _NUMBER.finditer(text)}
    return frozenset(n for n in found if n and (len(n) >= 2))


def normalise_number(raw: str) -> str:
    """One spelling per number; "" for a number of more than ``MAX_NUMBER_DIGITS`` digits, which no
    reader compares (and which ``int`` refuses past 4,300 digits)."""
    if sum(ch.isdigit() for ch in raw) > MAX_NUMBER_DIGITS:
        return ""
    groups = re.split(r"[.,'\u00a0\u202f\s]", raw)
    if len(groups) > 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        return str(int("".join(groups)))  # thousands separators, any convention
    if len(groups) > 1:
        whole = str(int("".join(groups[:-1]) or "0"))
        fraction = groups[-1].rstrip("0")
        return f"{whole}.{fraction}" if fraction else whole
    return str(int(raw)) if raw.isdigit() else raw


# --- Dates ---------------------------------------------------------------------


def normalise_published(published: str | None) -> str | None:
    """An ISO 8601 string the rest of the code can parse, or None."""
    if not published:
        return None
    return published.strip() if published_day(published) is not None else None


def published_day(published: str | None) -> float | None:
    """Days since 1970-01-01 UTC (fractional for datetimes; a naive time is taken as UTC), or None if unparseable."""
    moment = published_datetime(published, day_prefix=True)
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None) - moment.utcoffset()  # type: ignore[operator]
    return (moment - datetime(1970, 1, 1)).total_seconds() / 86400.0
