"""Password hashes (bcrypt, so hashes taken over from a Zou database keep working)."""

import asyncio
import uuid

import bcrypt
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.auth.tables import credentials


def hash_password(password: str) -> bytes:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())


async def set_password(conn: AsyncConnection, person_id: uuid.UUID, password: str) -> None:
    hashed = await asyncio.to_thread(hash_password, password)
    stmt = insert(credentials).values(person_id=person_id, password_hash=hashed)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["person_id"],
            set_={"password_hash": hashed, "updated_at": sa.func.now()},
        )
    )


async def check_password(conn: AsyncConnection, person_id: uuid.UUID, password: str) -> bool:
    found = await conn.execute(
        sa.select(credentials.c.password_hash).where(credentials.c.person_id == person_id)
    )
    hashed = found.scalar()
    if not hashed or not password:
        return False
    return await asyncio.to_thread(bcrypt.checkpw, password.encode(), bytes(hashed))
