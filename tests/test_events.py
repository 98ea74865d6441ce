"""No event is lost or applied twice: the outbox outlives a NATS outage, consumers dedupe."""

import asyncio
import json
import time
import uuid

import nats
import pytest
import sqlalchemy as sa

from libs.common.db import Database, make_engine
from libs.common.events import Bus, Relay, envelope, event_tables
from tests.support.infra import fresh_database, nats_server
from tests.support.system import start_system, stop_system


def test_redelivered_event_changes_the_event_log_once(system, admin):
    event = envelope("prodtrack-test:duplicate", {"marker": uuid.uuid4().hex})
    sentinel = envelope("prodtrack-test:sentinel", {"marker": uuid.uuid4().hex})
    subject = system.subject("tests.prodtrack-test.duplicate")

    async def publish():
        nc = await nats.connect(system.nats_url)
        js = nc.jetstream()
        # Same event, two different message ids: JetStream keeps both, as after a
        # redelivery or a relay crash past the duplicate window.
        for msg_id in (uuid.uuid4().hex, uuid.uuid4().hex):
            await js.publish(subject, json.dumps(event).encode(), headers={"Nats-Msg-Id": msg_id})
        await js.publish(subject, json.dumps(sentinel).encode())
        await nc.close()

    asyncio.run(publish())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        logged = admin.get("/data/events/last", params={"limit": 200}).json()
        if any(e["id"] == sentinel["id"] for e in logged):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the event log never received the sentinel event")
    copies = [e for e in logged if e["id"] == event["id"]]
    assert len(copies) == 1
    assert copies[0]["name"] == "prodtrack-test:duplicate"
    assert copies[0]["data"]["marker"] == event["data"]["marker"]


def test_writes_during_a_nats_outage_are_published_once_it_returns(pg_server, tmp_path):
    """A system of its own, on a NATS that the test stops and starts again."""
    emails = [f"outage-{uuid.uuid4().hex[:8]}@example.com" for _ in range(5)]
    with (
        fresh_database(pg_server) as database_url,
        nats_server(allow_external=False) as (nats_url, broker),
    ):
        system = start_system(database_url, nats_url, tmp_path / "outage")
        try:
            broker.stop()
            for email in emails:
                done = system.cli("create-admin", email, "--password", "outage-password")
                assert done.returncode == 0, done.stderr
            broker.start()
            published = _wait_for_person_events(system, emails)
            assert sorted(published) == sorted(emails), "each write published exactly once"
            # Still once after the relay has had time to retry anything it thought unsent.
            time.sleep(2)
            assert sorted(_wait_for_person_events(system, emails)) == sorted(emails)
        finally:
            stop_system(system)


def _wait_for_person_events(system, emails: list[str], timeout: float = 30) -> list[str]:
    """Emails of the person:new events stored in the stream for these persons."""

    async def read() -> list[str]:
        nc = await nats.connect(system.nats_url)
        js = nc.jetstream()
        sub = await js.subscribe(system.subject("data.person.new"), ordered_consumer=True)
        found = []
        while True:
            try:
                msg = await sub.next_msg(timeout=1)
            except (TimeoutError, nats.errors.TimeoutError):
                break
            payload = json.loads(msg.data)
            if payload["data"].get("email") in emails:
                found.append(payload["data"]["email"])
        await nc.close()
        return found

    deadline = time.monotonic() + timeout
    found: list[str] = []
    while time.monotonic() < deadline:
        found = asyncio.run(read())
        if len(found) >= len(emails):
            return found
        time.sleep(0.5)
    return found


def test_the_relay_prunes_rows_published_long_ago_and_only_those(pg_server):
    metadata = sa.MetaData(schema="prunetest")
    outbox, _ = event_tables(metadata)

    async def scenario(database_url: str) -> list[str]:
        db = Database(make_engine(database_url))
        try:
            async with db.engine.begin() as conn:
                await conn.execute(sa.text("CREATE SCHEMA prunetest"))
                await conn.run_sync(metadata.create_all)
                rows = [
                    ("old", "now() - interval '2 hours'"),
                    ("recent", "now() - interval '5 minutes'"),
                    ("unpublished", "NULL"),
                ]
                for name, published in rows:
                    await conn.execute(
                        sa.text(
                            "INSERT INTO prunetest.outbox (id, subject, payload, published_at) "
                            f"VALUES (:id, :subject, '{{}}'::jsonb, {published})"
                        ),
                        {"id": uuid.uuid4(), "subject": name},
                    )
            relay = Relay(db, Bus("nats://127.0.0.1:1", "UNUSED", prefix="unused"), outbox)
            assert await relay.prune() == 1
            async with db.engine.connect() as conn:
                left = await conn.execute(sa.select(outbox.c.subject).order_by(outbox.c.seq))
                return list(left.scalars())
        finally:
            await db.close()

    with fresh_database(pg_server) as database_url:
        assert asyncio.run(scenario(database_url)) == ["recent", "unpublished"]
