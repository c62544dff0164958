"""Pure rules of the tickets service: no broker, store or web framework."""
