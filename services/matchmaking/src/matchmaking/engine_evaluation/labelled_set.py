"""Generate a labelled data set: suppliers along known chains, buyers downstream, noisy text.

An offering is relevant to a need when it is the very product the need asks for, holds every
certification the need requires and has the capacity for its volume. Text is Chinese, English or
both, with synonyms, filler words, company boilerplate and dropped characters (typos)."""

import random
from dataclasses import dataclass, field

from matchmaking.domain.default_chain import EDGES
from matchmaking.domain.profiles import Enterprise, Need, Offering
from matchmaking.engine_evaluation.vocabulary import (
    CERTIFICATIONS,
    COMPANY_ZH,
    FILLER_EN,
    FILLER_ZH,
    NEED_EN,
    NEED_ZH,
    PRODUCTS,
    Product,
)

MIN_RELEVANT = 10
ZH_COMMA = "\uff0c"


@dataclass(frozen=True)
class LabelledSet:
    enterprises: list[Enterprise]
    offerings: list[Offering]
    needs: list[Need]
    relevant: dict[str, frozenset[str]]  # need id -> ids of the offerings that truly fit it


class _Noise:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def typo(self, text: str) -> str:
        if len(text) > 4 and self.rng.random() < 0.2:
            i = self.rng.randrange(1, len(text) - 1)
            return text[:i] + text[i + 1 :]
        return text

    def words(self, pool: tuple[str, ...], most: int) -> list[str]:
        return self.rng.sample(pool, self.rng.randint(0, most))

    def offering_text(self, product: Product, company: str) -> str:
        _, zh, en = product
        style = self.rng.random()
        parts = [company] if self.rng.random() < 0.5 else []
        if style < 0.8:
            parts += [*self.words(FILLER_ZH, 2), self.typo(self.rng.choice(zh))]
        if style >= 0.5:
            parts += [self.typo(self.rng.choice(en)), *self.words(FILLER_EN, 2)]
        return ZH_COMMA.join(parts) if style < 0.5 else " ".join(parts)

    def need_text(self, product: Product) -> str:
        _, zh, en = product
        if self.rng.random() < 0.6:
            extra = "".join(self.words(FILLER_ZH, 1))
            return f"{self.rng.choice(NEED_ZH)}{self.typo(self.rng.choice(zh))}{extra}"
        extra = " ".join(self.words(FILLER_EN, 1))
        return f"{self.rng.choice(NEED_EN)} {self.typo(self.rng.choice(en))} {extra}".strip()


def _downstream(segment: str, rng: random.Random) -> str:
    options = [down for up, down in EDGES if up == segment]
    return rng.choice(options) if options else segment


@dataclass
class _Draw:
    """The generator's random source and what it drew so far (the order of draws makes it reproducible)."""

    rng: random.Random
    noise: _Noise
    parks: int
    group_id: str
    catalogue: list[tuple[str, Product]]
    enterprises: list[Enterprise] = field(default_factory=list)

    def enterprise(self, enterprise_id: str, name: str, segment: str) -> Enterprise:
        park = f"park-{self.rng.randrange(self.parks)}"
        e = Enterprise(enterprise_id, park, self.group_id, name, segment, anchor=self.rng.random() < 0.02)
        self.enterprises.append(e)
        return e


def generate(
    offerings: int, needs: int, seed: int = 7, parks: int = 4, group_id: str = "g-synth"
) -> LabelledSet:
    """A reproducible labelled set of about `offerings` offerings and exactly `needs` needs."""
    rng = random.Random(seed)
    catalogue = [(segment, p) for segment, products in PRODUCTS.items() for p in products]
    draw = _Draw(rng, _Noise(rng), parks, group_id, catalogue)
    items = _offerings(draw, offerings)
    need_list, relevant = _needs(draw, items, needs)
    return LabelledSet(draw.enterprises, [o for o, _ in items], need_list, relevant)


def _offerings(draw: _Draw, offerings: int) -> list[tuple[Offering, str]]:
    """Suppliers with one or two products each, until there are `offerings`; each with its product id."""
    rng = draw.rng
    items: list[tuple[Offering, str]] = []
    while len(items) < offerings:
        segment, _ = rng.choice(draw.catalogue)
        e = draw.enterprise(f"s{len(draw.enterprises)}", f"Supplier {len(draw.enterprises)}", segment)
        company = f"{rng.choice('华芯中微长江东方天合新益')}{rng.choice(COMPANY_ZH)}"
        certs = CERTIFICATIONS[segment.split(".")[0]]
        for product in rng.sample(PRODUCTS[segment], min(len(PRODUCTS[segment]), rng.randint(1, 2))):
            held = frozenset(c for c in certs if rng.random() < 0.6)
            capacity = round(rng.lognormvariate(7.0, 0.8))
            text = draw.noise.offering_text(product, company)
            items.append(
                (Offering(f"o{len(items)}", e.enterprise_id, text, segment, capacity, held), product[0])
            )
    return items


def _needs(
    draw: _Draw, items: list[tuple[Offering, str]], needs: int
) -> tuple[list[Need], dict[str, frozenset[str]]]:
    """`needs` needs of downstream buyers, each labelled with the offerings that really fit it."""
    rng = draw.rng
    by_product: dict[str, list[Offering]] = {}
    for offering, product_id in items:
        by_product.setdefault(product_id, []).append(offering)
    need_list: list[Need] = []
    relevant: dict[str, frozenset[str]] = {}
    while len(need_list) < needs:
        segment, product = rng.choice(draw.catalogue)
        certs = CERTIFICATIONS[segment.split(".")[0]]
        required = frozenset(c for c in certs if rng.random() < 0.25)
        volume = round(rng.lognormvariate(6.3, 0.8))
        fits = frozenset(
            o.offering_id
            for o in by_product.get(product[0], [])
            if required <= o.certifications and o.capacity >= volume
        )
        if len(fits) < MIN_RELEVANT:
            continue
        park = f"park-{rng.randrange(draw.parks)}"  # drawn before the buyer's segment, as always
        n = len(need_list)
        buyer = Enterprise(
            f"b{n}", park, draw.group_id, f"Buyer {n}", _downstream(segment, rng), anchor=rng.random() < 0.02
        )
        draw.enterprises.append(buyer)
        wanted = segment if rng.random() < 0.6 else None
        need = Need(
            f"n{len(need_list)}", buyer.enterprise_id, draw.noise.need_text(product), wanted, volume, required
        )
        need_list.append(need)
        relevant[need.need_id] = fits
    return need_list, relevant
