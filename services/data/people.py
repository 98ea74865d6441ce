"""Who a caller is, for the data service: read from its own person table."""

import uuid

from libs.common.db import Database
from libs.common.people import Person
from services.data.store import persons


class OwnPeople:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, person_id: uuid.UUID) -> Person | None:
        async with self.db.read() as conn:
            found = await persons.get(conn, person_id)
        return Person.from_json(found) if found else None
