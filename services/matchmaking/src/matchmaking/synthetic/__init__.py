"""A labelled synthetic data set for the matching engine: known supplier chains, noisy bilingual text."""
