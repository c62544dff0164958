"""How well the matching engine ranks: a generated labelled data set (known supplier chains, noisy
bilingual text) and precision@k beside a keyword-only and a random baseline. Used by the unit tests and
`bench/matchmaking_bench.py`; never on the request path."""
