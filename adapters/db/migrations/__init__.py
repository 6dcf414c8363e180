"""Alembic migrations of the darasa schema (run them with ``adapters.db.migrate``)."""
