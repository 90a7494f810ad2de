"""Pages of the companion model, one module per step (people: records and assignments)."""
