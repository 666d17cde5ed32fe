"""Rules: one module per family; importing this package registers every rule."""
