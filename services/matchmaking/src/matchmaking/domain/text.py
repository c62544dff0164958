"""Character n-grams: text similarity for Chinese without a word segmenter, and for English.

Chinese runs give character bigrams (a lone character stays a unigram); Latin words give character
trigrams of the word padded with `#`, so plurals, inflections and small typos still overlap."""

import math
import re
import unicodedata
from collections import Counter

_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


def _is_cjk(run: str) -> bool:
    return "\u3400" <= run[0] <= "\ufaff"


def normalize(text: str) -> str:
    """Full-width to half-width, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def grams(text: str) -> Counter[str]:
    """The n-gram bag of a text."""
    bag: Counter[str] = Counter()
    for run in _RUNS.findall(normalize(text)):
        if _is_cjk(run):
            if len(run) == 1:
                bag[run] += 1
            bag.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            padded = f"#{run}#"
            bag.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return bag


def has_content(text: str) -> bool:
    """True when the text has at least one letter, digit or Chinese character."""
    return bool(_RUNS.search(normalize(text)))


def sublinear(count: int) -> float:
    return 1.0 + math.log(count)


def keywords(text: str) -> set[str]:
    """Whole tokens split on space and punctuation: what a plain keyword search matches on."""
    return set(_RUNS.findall(normalize(text)))
