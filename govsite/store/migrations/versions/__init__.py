"""Migration scripts, one per schema change; a package so they install with govsite."""
