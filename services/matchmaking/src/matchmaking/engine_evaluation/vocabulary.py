"""Products per chain segment, each with Chinese and English names and synonyms, and certifications:
data, kept in `vocabulary.toml` beside this module and read once, at import."""

import tomllib
from importlib.resources import files

Product = tuple[str, tuple[str, ...], tuple[str, ...]]  # id, Chinese names, English names

_DATA = tomllib.loads((files(__package__) / "vocabulary.toml").read_text(encoding="utf-8"))

PRODUCTS: dict[str, tuple[Product, ...]] = {
    segment: tuple(
        (product_id, tuple(names["zh"]), tuple(names["en"])) for product_id, names in products.items()
    )
    for segment, products in _DATA["products"].items()
}
CERTIFICATIONS: dict[str, tuple[str, ...]] = {
    chain: tuple(held) for chain, held in _DATA["certifications"].items()
}

_WORDS: dict[str, tuple[str, ...]] = {name: tuple(words) for name, words in _DATA["words"].items()}
FILLER_ZH = _WORDS["filler_zh"]
FILLER_EN = _WORDS["filler_en"]
COMPANY_ZH = _WORDS["company_zh"]
NEED_ZH = _WORDS["need_zh"]
NEED_EN = _WORDS["need_en"]
