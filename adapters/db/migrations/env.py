"""The Alembic environment. ``adapters.db.migrate`` hands over a connection
already in its locked migration transaction (``config.attributes
["connection"]``); from the alembic command line, the database at
``DATABASE_URL`` is migrated the same way."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from adapters.db.tables import metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from adapters.db.engine import make_engine
    from adapters.db.migrate import migration_connection

    if context.config.config_file_name is not None:
        fileConfig(context.config.config_file_name)
    engine = make_engine(os.environ["DATABASE_URL"], bounded=False)
    try:
        with migration_connection(engine) as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


main()
