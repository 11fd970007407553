"""Alembic migrations of the evidence store's schema (one revision per schema version).

Run by :func:`forewarn.evidence.migrate.upgrade` when a store is opened; not meant to be used
with the ``alembic`` command line.
"""
