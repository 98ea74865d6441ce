"""Alembic wiring shared by every service: its own schema, its own version table."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config

from libs.common.db import sqlalchemy_url

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    config.set_main_option("version_path_separator", "os")
    config.attributes["url"] = sqlalchemy_url(url)
    config.attributes["schema"] = service
    return config


def upgrade(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def run_env(metadata: sa.MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only)."""
    config = context.config
    schema = config.attributes["schema"]
    engine = sa.create_engine(config.attributes["url"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        # Replicas may start together: one migrates, the others wait, then find nothing to do.
        conn.execute(sa.text("select pg_advisory_lock(hashtext(:s))"), {"s": f"migrate:{schema}"})
        conn.execute(sa.text(f'create schema if not exists "{schema}"'))
        conn.commit()
        context.configure(
            connection=conn,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=lambda name, type_, parent: name == schema if type_ == "schema" else True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        conn.execute(sa.text("select pg_advisory_unlock(hashtext(:s))"), {"s": f"migrate:{schema}"})
        conn.commit()
