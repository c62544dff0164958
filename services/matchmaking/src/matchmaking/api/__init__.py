"""HTTP routes of the matchmaking service: schemas in, use case, schemas out. No business rules here."""
