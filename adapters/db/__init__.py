"""SQLAlchemy 2 storage: tables, engines, the unit of work and migrations."""
