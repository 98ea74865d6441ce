"""One-time set-up steps of `prodtrack up` / `migrate`: keys, starting data, first admin."""

import asyncio
import os
import secrets
import uuid

from libs.common import tokens
from libs.common.db import Database, make_engine
from libs.common.events import Outbox
from libs.common.settings import Settings


def ensure_keys(settings: Settings) -> None:
    tokens.ensure_key_pair(settings.private_key_path, settings.public_key_path)


def init_data(settings: Settings) -> None:
    from services.data.store import starting_data

    asyncio.run(_with_db(settings, "data", starting_data.ensure))


async def _with_db(settings: Settings, service: str, work):
    db = Database(make_engine(settings.database_url_for(service), pool_size=1))
    try:
        return await work(db)
    finally:
        await db.close()


async def create_admin(settings: Settings, email: str, password: str) -> uuid.UUID:
    """Create (or re-enable) an admin in data, and set its password in auth."""
    from services.auth.store import credentials
    from services.data import tables as data_tables
    from services.data.store import persons

    outbox = Outbox("data", data_tables.outbox, settings.subject_prefix)

    async def in_data(db: Database):
        async with db.write() as conn:
            return await persons.ensure_admin(conn, outbox, email)

    async def in_auth(db: Database):
        async with db.write() as conn:
            await credentials.set_password(conn, person_id, password)

    admin = await _with_db(settings, "data", in_data)
    person_id = uuid.UUID(admin["id"])
    await _with_db(settings, "auth", in_auth)
    return person_id


def first_admin(env) -> None:
    """PRODTRACK_ADMIN_EMAIL/PASSWORD create the first admin; with neither, a fresh
    installation gets admin@example.com with a generated password, printed once."""
    from services.data.store import persons

    settings = env.settings
    email = os.environ.get("PRODTRACK_ADMIN_EMAIL") or settings.admin_email
    password = os.environ.get("PRODTRACK_ADMIN_PASSWORD") or settings.admin_password
    if email and password:
        asyncio.run(create_admin(settings, email, password))
        print(f"prodtrack: admin {email} ready", flush=True)
        return

    async def count(db: Database) -> int:
        async with db.read() as conn:
            return await persons.count(conn)

    if asyncio.run(_with_db(settings, "data", count)) == 0:
        email = email or "admin@example.com"
        password = password or secrets.token_urlsafe(12)
        asyncio.run(create_admin(settings, email, password))
        print(f"prodtrack: first admin {email} created, password: {password}", flush=True)
