"""Who a caller is, for the data service: read from its own tables, kept briefly.

Every request asks who its caller is and, for non-admins, which teams they are in. The
answers are kept a couple of seconds per process. A person, project or department write
committed by this process empties the cache at once; a change made by another replica
is seen when the entry expires. A read that raced a write is never stored (generation).
"""

import time
import uuid

from libs.common.db import Database
from libs.common.people import Person
from services.data.store import persons, teams

TTL_SECONDS = 2.0
# Events whose commit may change who a caller is or which teams they are in (assigning
# a task also puts the assignee in the production's team).
INVALIDATING = ("person:", "project:", "department:", "task:assign")


class OwnPeople:
    def __init__(self, db: Database):
        self.db = db
        self._people: dict[uuid.UUID, tuple[float, Person | None]] = {}
        self._teams: dict[uuid.UUID, tuple[float, tuple[dict, frozenset]]] = {}
        self._generation = 0
        db.on_events.append(self._seen)

    def _seen(self, rows: list[dict]) -> None:
        if any(row["payload"]["name"].startswith(INVALIDATING) for row in rows):
            self.forget()

    def forget(self) -> None:
        self._generation += 1
        self._people.clear()
        self._teams.clear()

    async def get(self, person_id: uuid.UUID) -> Person | None:
        hit = self._people.get(person_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        generation = self._generation
        async with self.db.read() as conn:
            found = await persons.get(conn, person_id)
        person = Person.from_json(found) if found else None
        if generation == self._generation:
            self._people[person_id] = (time.monotonic() + TTL_SECONDS, person)
        return person

    async def fresh(self, person_id: uuid.UUID) -> Person | None:
        """As stored now (a preview account's window is extended at any time)."""
        async with self.db.read() as conn:
            found = await persons.get(conn, person_id)
        return Person.from_json(found) if found else None

    async def memberships(self, db: Database, person_id: uuid.UUID) -> tuple[dict, frozenset]:
        hit = self._teams.get(person_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        generation = self._generation
        found = await teams.memberships(db, person_id)
        if generation == self._generation:
            self._teams[person_id] = (time.monotonic() + TTL_SECONDS, found)
        return found
