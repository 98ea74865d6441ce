"""Async database access: one engine per service, every service in its own schema."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def sqlalchemy_url(url: str, driver: str = "psycopg") -> str:
    """Accept plain postgresql:// URLs from users and pick our driver."""
    for prefix in (
        "postgresql+psycopg://",
        "postgresql+psycopg2://",
        "postgresql://",
        "postgres://",
    ):
        if url.startswith(prefix):
            return f"postgresql+{driver}://" + url[len(prefix) :]
    return url


def plain_url(url: str) -> str:
    """The libpq form of a URL (for psycopg itself)."""
    return "postgresql://" + sqlalchemy_url(url).split("://", 1)[1]


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 10) -> AsyncEngine:
    # No pre-ping: it costs a round trip on every checkout; a connection that died is
    # recycled on its error instead (SQLAlchemy invalidates the pool on disconnects).
    # No JIT: PostgreSQL overestimates the boards' correlated subqueries and JIT-compiles
    # them, which cost 390 of a 530 ms board on a 10,000-shot production (and is never
    # paid back by our short statements).
    return create_async_engine(
        sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
        connect_args={"options": "-c jit=off"},
    )


# Connection info key: the outbox rows ({id, subject, payload}) this transaction wrote.
EMITTED = "prodtrack.emitted"


class Database:
    """The service's handle on its schema. After a write commits, `on_events` hooks get
    the outbox rows it wrote (the relay publishes them at once)."""

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        # Reads run without BEGIN/ROLLBACK: two round trips fewer per read, and at READ
        # COMMITTED each statement had its own snapshot anyway. Same pool as `engine`.
        self.reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.after_commit: list[Callable[[], None]] = []
        self.on_events: list[Callable[[list[dict]], None]] = []

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            conn.info.pop(EMITTED, None)
            yield conn
            emitted = conn.info.pop(EMITTED, None)
        for hook in self.after_commit:
            hook()
        if emitted:
            for hook in self.on_events:
                hook(emitted)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("select 1")
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self.engine.dispose()
