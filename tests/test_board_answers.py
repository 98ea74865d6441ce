"""Boards and the user context are kept between writes: every write shows at once, a
write made behind the data process's back shows once its event is heard, and clients
that accept gzip get the same answer gzipped."""

import asyncio
import gzip
import json
import time

import nats
import psycopg
import pytest

from libs.common.events import envelope
from tests.support.studio import asset_task, make, person, tag


def _board(client, project_id: str) -> list[dict]:
    response = client.get("/data/assets/with-tasks", params={"project_id": project_id})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_board_shows_each_write_on_the_next_read(admin):
    project, asset, task = asset_task(admin, "fresh-board")
    assert _board(admin, project["id"])[0]["description"] in ("", None)
    _board(admin, project["id"])  # asked twice: the answer is kept now

    updated = admin.put(f"/data/entities/{asset['id']}", json={"description": "big hat"})
    assert updated.status_code == 200, updated.text
    assert _board(admin, project["id"])[0]["description"] == "big hat"

    wip = next(s for s in admin.get("/data/task-status").json() if s["short_name"] == "wip")
    commented = admin.post(
        f"/actions/tasks/{task['id']}/comment",
        json={"task_status_id": wip["id"], "comment": "started"},
    )
    assert commented.status_code == 201, commented.text
    (board_task,) = _board(admin, project["id"])[0]["tasks"]
    assert board_task["task_status_id"] == wip["id"]


def test_each_caller_gets_their_own_board(system, admin):
    project, _, _ = asset_task(admin, "own-board")
    _board(admin, project["id"])
    outsider, client = person(system, admin, "user")
    with client:
        refused = client.get("/data/assets/with-tasks", params={"project_id": project["id"]})
        assert refused.status_code in (403, 404)
        added = admin.post(
            f"/data/projects/{project['id']}/team", json={"person_id": outsider["id"]}
        )
        assert added.status_code == 201, added.text
        assert len(_board(client, project["id"])) == 1


def test_a_team_and_a_task_panel_show_each_write_on_the_next_read(system, admin):
    project, _, task = asset_task(admin, "team-panel")
    team_path = f"/data/projects/{project['id']}/team"
    comments_path = f"/data/tasks/{task['id']}/comments"
    for _ in range(2):  # asked twice: the answers are kept now
        team = admin.get(team_path).json()
        assert admin.get(comments_path).json() == []
    member, member_client = person(system, admin, "user")
    member_client.close()
    added = admin.post(team_path, json={"person_id": member["id"]})
    assert added.status_code == 201, added.text
    assert len(admin.get(team_path).json()) == len(team) + 1

    wip = next(s for s in admin.get("/data/task-status").json() if s["short_name"] == "wip")
    said = admin.post(
        f"/actions/tasks/{task['id']}/comment",
        json={"task_status_id": wip["id"], "comment": "kept no more"},
    )
    assert said.status_code == 201, said.text
    assert [c["text"] for c in admin.get(comments_path).json()] == ["kept no more"]
    assert admin.get("/data/tasks/not-an-id/comments").status_code in (400, 404)


def test_the_user_context_shows_a_new_production_at_once(admin):
    before = admin.get("/data/user/context")
    assert before.status_code == 200
    project = make(admin, "/data/projects", {"name": f"context-{tag()}"})
    names = [p["name"] for p in admin.get("/data/user/context").json()["projects"]]
    assert project["name"] in names


def test_a_write_of_another_replica_shows_once_its_event_is_heard(system, admin):
    project, asset, _ = asset_task(admin, "replica-board")
    _board(admin, project["id"])
    _board(admin, project["id"])
    # Another data replica commits a change and publishes its event: this process
    # never saw the transaction, only the event.
    with psycopg.connect(system.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE data.entity SET description = 'from elsewhere' WHERE id = %s", (asset["id"],)
        )

    async def publish():
        nc = await nats.connect(system.nats_url)
        event = envelope("asset:update", {"asset_id": asset["id"]}, project_id=project["id"])
        await nc.publish(system.subject("data.asset.update"), json.dumps(event).encode())
        await nc.flush()
        await nc.close()

    asyncio.run(publish())
    deadline = time.monotonic() + 5
    while _board(admin, project["id"])[0]["description"] != "from elsewhere":
        if time.monotonic() > deadline:
            pytest.fail("the board still shows the answer from before the replica's write")
        time.sleep(0.05)


def test_answers_are_gzipped_for_clients_that_accept_it(system, admin_token):
    with system.client(admin_token) as client:
        plain = client.get("/data/user/context", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200
        assert "content-encoding" not in plain.headers
        with client.stream("GET", "/data/user/context", headers={"Accept-Encoding": "gzip"}) as r:
            raw = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == "gzip"
    assert len(raw) < len(plain.content)
    assert json.loads(gzip.decompress(raw)) == plain.json()
