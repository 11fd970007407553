"""Revisions: ``0001`` is the schema of forewarn 0.1, each later one the next schema version."""
