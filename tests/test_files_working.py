"""An artist's own corner: the tasks assigned to them on one asset, and the notes and
modification dates they put on their working files."""

import uuid

import pytest


def tag() -> str:
    return uuid.uuid4().hex[:8]


def first(client, path: str, **params) -> dict:
    return client.get(path, params=params).json()[0]


@pytest.fixture(scope="module")
def desk(admin_token, system):
    with system.client(admin_token) as admin:
        d = type("Desk", (), {})()
        d.admin = admin
        d.me = admin.get("/auth/authenticated").json()["user"]
        d.project = admin.post("/data/projects", json={"name": f"desk-{tag()}"}).json()
        character = first(admin, "/data/entity-types", name="Character")
        d.asset = admin.post(
            "/data/entities",
            json={
                "name": f"a-{tag()}",
                "project_id": d.project["id"],
                "entity_type_id": character["id"],
            },
        ).json()
        d.task_type = first(admin, "/data/task-types", name="Modeling")
        pid = d.project["id"]
        d.task = admin.post(
            f"/actions/projects/{pid}/task-types/{d.task_type['id']}/assets/create-tasks",
            json=[d.asset["id"]],
        ).json()[0]
        d.working_file = admin.post(
            "/data/working-files",
            json={
                "name": "main",
                "task_id": d.task["id"],
                "entity_id": d.asset["id"],
                "revision": 1,
            },
        ).json()
        yield d


def test_my_tasks_on_an_asset(desk):
    admin, asset = desk.admin, desk.asset["id"]
    assert admin.get(f"/data/user/assets/{asset}/tasks").json() == []
    admin.put(f"/actions/tasks/{desk.task['id']}/assign", json={"person_id": desk.me["id"]})
    [task] = admin.get(f"/data/user/assets/{asset}/tasks").json()
    assert task["id"] == desk.task["id"] and task["type"] == "Task"
    assert "assignees" not in task
    [task_type] = admin.get(f"/data/user/assets/{asset}/task-types").json()
    assert task_type["id"] == desk.task_type["id"]
    # The asset is no shot, scene or sequence.
    for kind in ("shots", "scenes", "sequences"):
        assert admin.get(f"/data/user/{kind}/{asset}/tasks").status_code == 404
        assert admin.get(f"/data/user/{kind}/{asset}/task-types").status_code == 404


def test_working_file_comment_and_modified(desk):
    admin, wf = desk.admin, desk.working_file
    noted = admin.put(f"/actions/working-files/{wf['id']}/comment", json={"comment": "uv done"})
    assert noted.status_code == 200, noted.text
    assert noted.json()["comment"] == "uv done" and noted.json()["type"] == "WorkingFile"
    touched = admin.put(f"/actions/working-files/{wf['id']}/modified")
    assert touched.status_code == 200
    assert touched.json()["updated_at"] >= noted.json()["updated_at"]


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("GET", "/data/user/assets/nope/tasks", None, 400),
        ("GET", f"/data/user/shots/{uuid.uuid4()}/task-types", None, 404),
        ("GET", f"/data/user/scenes/{uuid.uuid4()}/tasks", None, 404),
        ("GET", "/data/user/sequences/nope/task-types", None, 400),
        ("PUT", "/actions/working-files/{wf}/comment", {}, 400),
        ("PUT", "/actions/working-files/{wf}/comment", {"comment": ""}, 400),
        ("PUT", "/actions/working-files/{wf}/comment", {"comment": 3}, 400),
        ("PUT", "/actions/working-files/nope/comment", {"comment": "x"}, 400),
        ("PUT", f"/actions/working-files/{uuid.uuid4()}/modified", None, 404),
        ("PUT", "/actions/working-files/nope/modified", None, 400),
    ],
)
def test_bad_input_is_refused(desk, method, path, body, status):
    url = path.format(wf=desk.working_file["id"])
    answer = desk.admin.request(method, url, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] is True
