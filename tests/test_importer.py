"""A studio moving in: ShotGrid episodes, team links and removal webhooks, an asset
spreadsheet, comments from another Kitsu; every bad payload gets a 4xx JSON answer."""

import random
import uuid

import pytest

from tests.support.studio import first, make, person, tag


def sg_id() -> int:
    return random.randint(10_000_000, 2_000_000_000)


@pytest.fixture(scope="module")
def studio(system, admin_token):
    with system.client(admin_token) as admin:
        s = type("Studio", (), {})()
        s.admin = admin
        s.project = make(admin, "/data/projects", {"name": f"imp-{tag()}", "shotgun_id": sg_id()})
        s.artist, s.artist_client = person(system, admin, "user")
        s.manager, s.manager_client = person(system, admin, "manager")
        yield s
        s.artist_client.close()
        s.manager_client.close()


def test_shotgun_episodes_are_created_then_updated(studio):
    admin, project = studio.admin, studio.project
    ep_id = sg_id()
    payload = [
        {"id": ep_id, "code": "E01", "description": "pilot", "project": {"name": project["name"]}},
        {"id": sg_id(), "code": "E99", "description": None, "project": {"name": "nowhere"}},
        {"id": sg_id()},  # not properly formatted: skipped
    ]
    response = admin.post("/import/shotgun/episodes", json=payload)
    assert response.status_code == 200, response.text
    [episode] = response.json()
    assert episode["name"] == "E01" and episode["shotgun_id"] == ep_id
    assert episode["description"] == "pilot" and episode["project_id"] == project["id"]
    assert episode["type"] == "Entity"

    again = admin.post(
        "/import/shotgun/episodes",
        json=[{"id": ep_id, "code": "E01b", "description": "renamed", "project": None}],
    )
    assert again.json() == []  # no project: skipped, as Zou does
    again = admin.post(
        "/import/shotgun/episodes",
        json=[
            {"id": ep_id, "code": "E01b", "description": "x", "project": project},
        ],
    )
    [updated] = again.json()
    assert updated["id"] == episode["id"] and updated["name"] == "E01b"
    episodes = admin.get(f"/data/projects/{project['id']}/episodes").json()
    assert [e["name"] for e in episodes if e["id"] == episode["id"]] == ["E01b"]


def test_shotgun_imports_refuse_bad_payloads_and_non_admins(studio):
    admin = studio.admin
    for body in ({"id": 1}, "text"):
        response = admin.post("/import/shotgun/episodes", json=body)
        assert response.status_code == 400 and response.json()["error"] is True
    response = admin.post(
        "/import/shotgun/episodes",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    response = studio.manager_client.post("/import/shotgun/episodes", json=[])
    assert response.status_code == 403 and response.json()["error"] is True
    for path in ("/import/shotgun/remove/shot", "/import/shotgun/remove/sequence"):
        assert admin.post(path, json={}).status_code == 400
        assert admin.post(path, json={"id": "abc"}).status_code == 400
        assert studio.artist_client.post(path, json={"id": 1}).status_code == 403


def test_project_connections_add_the_member_once(studio, system):
    admin, project = studio.admin, studio.project
    member, _ = person(system, admin, "user", shotgun_id=sg_id())
    link_id = sg_id()
    entry = {
        "id": link_id,
        "project": {"id": project["shotgun_id"]},
        "user": {"id": member["shotgun_id"]},
    }
    unknown = {"id": sg_id(), "project": {"id": 1}, "user": {"id": 2}}
    response = admin.post("/import/shotgun/projectconnections", json=[entry, unknown])
    assert response.status_code == 200, response.text
    assert [p["id"] for p in response.json()] == [project["id"]]
    team = admin.get(f"/data/projects/{project['id']}").json()["team"]
    assert member["id"] in team
    again = admin.post("/import/shotgun/projectconnections", json=[entry])
    assert [p["name"] for p in again.json()] == [project["name"]]

    removed = admin.post("/import/shotgun/remove/projectconnection", json={"id": link_id})
    assert removed.json() == {"success": True}
    assert member["id"] not in admin.get(f"/data/projects/{project['id']}").json()["team"]
    bad = admin.post("/import/shotgun/projectconnections", json={"id": 1})
    assert bad.status_code == 400


def test_remove_webhooks_delete_what_shotgun_removed(studio):
    admin, project = studio.admin, studio.project
    seq_sg, shot_sg = sg_id(), sg_id()
    [sequence] = admin.post(
        "/import/shotgun/sequences",
        json=[{"id": seq_sg, "code": "SQ01", "description": "", "project": project}],
    ).json()
    response = admin.post(
        "/import/shotgun/shots",
        json=[
            {
                "id": shot_sg,
                "code": "SH010",
                "project": project,
                "sg_sequence": {"id": seq_sg},
                "sg_cut_in": 10,
                "sg_cut_duration": 20,
                "sg_custom": "x",
            }
        ],
    )
    [shot] = response.json()
    assert shot["parent_id"] == sequence["id"]
    assert shot["data"]["frame_in"] == 10 and shot["data"]["frame_out"] == 30
    assert shot["data"]["sg_custom"] == "x"

    # The sequence still holds its shot: Zou answers success false and keeps it.
    response = admin.post("/import/shotgun/remove/sequence", json={"id": seq_sg})
    assert response.json() == {"removed_instance_id": sequence["id"], "success": False}
    response = admin.post("/import/shotgun/remove/shot", json={"id": shot_sg})
    assert response.json() == {"removed_instance_id": shot["id"], "success": True}
    assert admin.get(f"/data/shots/{shot['id']}").status_code == 404
    assert admin.post("/import/shotgun/remove/shot", json={"id": shot_sg}).json() == {
        "success": True
    }
    response = admin.post("/import/shotgun/remove/sequence", json={"id": seq_sg})
    assert response.json() == {"removed_instance_id": sequence["id"], "success": True}


def _asset_task(admin, project):
    character = first(admin, "/data/entity-types", name="Character")
    asset = make(
        admin,
        "/data/entities",
        {"name": f"a-{tag()}", "project_id": project["id"], "entity_type_id": character["id"]},
    )
    task_type = first(admin, "/data/task-types", name="Modeling")
    status = first(admin, "/data/task-status", short_name="todo")
    task = make(
        admin,
        "/data/tasks",
        {
            "name": "main",
            "project_id": project["id"],
            "entity_id": asset["id"],
            "task_type_id": task_type["id"],
            "task_status_id": status["id"],
        },
    )
    return task, status


def test_kitsu_comments_are_upserted_by_id(studio):
    admin, project = studio.admin, studio.project
    task, status = _asset_task(admin, project)
    me = admin.get("/auth/authenticated").json()["user"]
    comment = {
        "id": str(uuid.uuid4()),
        "object_id": task["id"],
        "object_type": "Task",
        "text": "from the other studio",
        "task_status_id": status["id"],
        "person_id": me["id"],
        "created_at": "2024-03-01T10:00:00",
        "mentions": [studio.artist["id"]],
        "type": "Comment",
    }
    response = admin.post("/import/kitsu/comments", json=[comment])
    assert response.status_code == 200, response.text
    [stored] = response.json()
    assert stored["id"] == comment["id"] and stored["text"] == "from the other studio"
    assert stored["created_at"] == "2024-03-01T10:00:00"
    again = admin.post("/import/kitsu/comments", json=[{**comment, "text": "edited"}])
    assert again.json()[0]["text"] == "edited"

    # Zou skips what a non-admin sends; a body that is not a list is refused.
    assert studio.manager_client.post("/import/kitsu/comments", json=[comment]).json() == []
    assert admin.post("/import/kitsu/comments", json={"a": 1}).status_code == 400
    orphan = {**comment, "id": str(uuid.uuid4()), "object_id": str(uuid.uuid4())}
    response = admin.post("/import/kitsu/comments", json=[orphan])
    assert response.status_code == 400 and response.json()["error"] is True


CSV_HEADER = "Name;Type;Description;Modeling;Modeling comment\n"


def test_csv_assets_create_then_update(studio):
    admin = studio.admin
    project = make(admin, "/data/projects", {"name": f"csv-{tag()}"})
    modeling = first(admin, "/data/task-types", name="Modeling")
    response = admin.post(
        f"/data/projects/{project['id']}/settings/task-types",
        json={"task_type_id": modeling["id"]},
    )
    assert response.status_code in (200, 201), response.text
    body = CSV_HEADER + "Hero;Character;the hero;;\nTree;Prop;a tree;wip;started\n;;;;\n"
    path = f"/import/csv/projects/{project['id']}/assets"
    response = admin.post(path, files={"file": ("assets.csv", body, "text/csv")})
    assert response.status_code == 201, response.text
    assets = response.json()
    assert [a["name"] for a in assets] == ["Hero", "Tree"]
    assert assets[0]["description"] == "the hero"
    tasks = admin.get("/data/tasks", params={"entity_id": assets[1]["id"]}).json()
    assert len(tasks) == 1 and tasks[0]["task_type_id"] == modeling["id"]
    wip = first(admin, "/data/task-status", short_name="wip")
    assert tasks[0]["task_status_id"] == wip["id"]

    # Without update=true an existing asset is left as it is.
    again = CSV_HEADER + "Hero;Character;changed;;\n"
    response = admin.post(path, files={"file": ("a.csv", again, "text/csv")})
    assert response.json()[0]["description"] == "the hero"
    response = admin.post(path + "?update=true", files={"file": ("a.csv", again, "text/csv")})
    assert response.status_code == 201
    assert response.json()[0]["id"] == assets[0]["id"]
    assert response.json()[0]["description"] == "changed"


def test_csv_assets_refuse_bad_files(studio):
    admin, project = studio.admin, studio.project
    path = f"/import/csv/projects/{project['id']}/assets"
    bad_ready_for = "Name;Type;Ready for\nOk;Prop;\nBad;Prop;Nope\n"
    response = admin.post(path, files={"file": ("a.csv", bad_ready_for, "text/csv")})
    assert response.status_code == 400
    assert response.json() == {
        "error": True,
        "message": "Task type not found for Nope",
        "line_number": 3,
        "imported_rows": 1,
    }
    missing = "Title;Kind\nA;Prop\n"
    response = admin.post(path, files={"file": ("a.csv", missing, "text/csv")})
    assert response.status_code == 400
    assert response.json()["message"] == "A columns is missing: 'Name'"
    assert response.json()["line_number"] == 2 and response.json()["imported_rows"] == 0
    assert (
        admin.post(path, files={"file": ("a.csv", b"\xff\xfe\x00", "text/csv")}).status_code == 400
    )
    assert admin.post(path, data={"nofile": "x"}).status_code == 400
    unknown = f"/import/csv/projects/{uuid.uuid4()}/assets"
    assert admin.post(unknown, files={"file": ("a.csv", "Name;Type\nA;Prop\n")}).status_code == 404
    assert admin.post("/import/csv/projects/nope/assets").status_code == 400
    csv_ok = "Name;Type\nA;Prop\n"
    # A manager outside the production's team, and an artist, are refused.
    for client in (studio.manager_client, studio.artist_client):
        response = client.post(path, files={"file": ("a.csv", csv_ok, "text/csv")})
        assert response.status_code == 403
