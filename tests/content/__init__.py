"""Tests of the content checks (govsite.content and the content.* rules)."""
