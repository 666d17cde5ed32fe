"""Package data: the curated lexicons of the content checks (see docs/content.md)."""
