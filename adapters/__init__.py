"""Adapters: the implementations of ``core.ports`` for real technologies
(Flask, SQLAlchemy, Redis, argon2, HTTP AI providers) and in-memory fakes."""
