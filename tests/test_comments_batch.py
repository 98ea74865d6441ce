"""A supervisor's review session: notes on several tasks at once, the client's last word
copied for the artists, and a note posted on the wrong task moved to the right one."""

import json
import uuid

import pytest

from tests.support.events import EventListener


def tag() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def review(admin_token, system):
    with system.client(admin_token) as admin:
        d = type("Review", (), {})()
        d.admin = admin
        d.me = admin.get("/auth/authenticated").json()["user"]
        pid = admin.post("/data/projects", json={"name": f"h17-Com {tag()}"}).json()["id"]
        d.pid = pid
        char = admin.get("/data/entity-types", params={"name": "Character"}).json()[0]
        asset = admin.post(
            f"/data/projects/{pid}/asset-types/{char['id']}/assets/new", json={"name": "Bob"}
        ).json()
        d.tasks = [
            admin.post(
                f"/actions/projects/{pid}/task-types/{tt['id']}/assets/create-tasks",
                json=[asset["id"]],
            ).json()[0]
            for tt in (
                admin.get("/data/task-types", params={"name": name}).json()[0]
                for name in ("Modeling", "Rigging", "Shading")
            )
        ]
        d.status = {
            short: admin.get("/data/task-status", params={"short_name": short}).json()[0]
            for short in ("wip", "todo", "wfa")
        }
        d.client = admin.post(
            "/data/persons",
            json={
                "email": f"h17-client-{tag()}@example.com",
                "first_name": "Cli",
                "last_name": "Ent",
                "role": "client",
            },
        )
        assert d.client.status_code == 201, d.client.text
        d.client = d.client.json()
        admin.post(f"/data/projects/{pid}/team", json={"person_id": d.client["id"]})
        yield d


def test_batch_comments_on_one_and_many_tasks(review, system):
    admin, (model, rig, _), status = review.admin, review.tasks, review.status
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        one = admin.post(
            f"/actions/tasks/{model['id']}/batch-comment",
            json={"comments": [{"task_status_id": status["wip"]["id"], "text": "hello"}]},
        )
        assert one.status_code == 201, one.text
        [posted] = one.json()
        events.wait_for(
            lambda e: e["name"] == "comment:new" and e["data"]["comment_id"] == posted["id"]
        )
    assert posted["text"] == "hello" and posted["object_id"] == model["id"]
    assert posted["preview_files"] == [] and posted["person"]["id"] == review.me["id"]
    many = admin.post(
        "/actions/tasks/batch-comment",
        json={
            "comments": [
                {"task_id": rig["id"], "task_status_id": status["wfa"]["id"], "text": "a"},
                {"task_id": model["id"], "task_status_id": status["todo"]["id"], "text": "b"},
            ]
        },
    )
    assert many.status_code == 201, many.text
    assert [c["object_id"] for c in many.json()] == [rig["id"], model["id"]]
    assert admin.get(f"/data/tasks/{rig['id']}").json()["task_status_id"] == status["wfa"]["id"]
    attached = admin.post(
        f"/actions/tasks/{rig['id']}/batch-comment",
        data={"comments": json.dumps([{"task_status_id": status["wfa"]["id"], "text": "see"}])},
        files={"attachment_file-0": ("notes.txt", b"fix the knee", "text/plain")},
    )
    assert attached.status_code == 201, attached.text
    [with_file] = attached.json()
    assert [f["name"] for f in with_file["attachment_files"]] == ["notes.txt"]


def test_client_comments_copied_for_the_team(review):
    admin, (model, rig, shading), status = review.admin, review.tasks, review.status
    said = admin.post(
        f"/actions/tasks/{shading['id']}/comment",
        json={
            "task_status_id": status["wip"]["id"],
            "comment": "client says",
            "person_id": review.client["id"],
        },
    )
    assert said.status_code == 201, said.text
    copied = admin.post(
        f"/actions/projects/{review.pid}/tasks/copy-client-comments",
        json={"task_ids": [t["id"] for t in (model, rig, shading)], "prefix": "From client"},
    )
    assert copied.status_code == 201, copied.text
    [copy] = copied.json()
    assert copy["text"] == "From client\n\nclient says"
    assert copy["person"]["id"] == review.me["id"] and copy["object_id"] == shading["id"]
    assert copy["task_status_id"] == status["wip"]["id"]


def test_moving_a_comment_to_the_right_task(review, system):
    admin, (model, _, shading), status = review.admin, review.tasks, review.status
    wrong = admin.post(
        f"/actions/tasks/{model['id']}/comment",
        json={"task_status_id": status["wfa"]["id"], "comment": "for shading"},
    ).json()
    url = f"/actions/tasks/{model['id']}/comments/{wrong['id']}/move"
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        moved = admin.post(url, json={"target_task_id": shading["id"]})
        assert moved.status_code == 200, moved.text
        events.wait_for(
            lambda e: e["name"] == "comment:delete" and e["data"]["task_id"] == model["id"]
        )
        events.wait_for(
            lambda e: (
                e["name"] == "comment:new"
                and e["data"]["comment_id"] == wrong["id"]
                and e["data"]["task_id"] == shading["id"]
            )
        )
    body = moved.json()
    assert body["object_id"] == shading["id"] and body["created_at"] == wrong["created_at"]
    assert body["previews"] == [] and body["mentions"] == []
    assert (
        admin.get(f"/data/tasks/{shading['id']}").json()["task_status_id"] == (status["wfa"]["id"])
    )
    listed = admin.get(f"/data/tasks/{model['id']}/comments").json()
    assert wrong["id"] not in [c["id"] for c in listed]
    again = admin.post(url, json={"target_task_id": shading["id"]})
    assert again.status_code == 400
    assert again.json()["message"] == "Comment does not belong to the given task."
    same = admin.post(
        f"/actions/tasks/{shading['id']}/comments/{wrong['id']}/move",
        json={"target_task_id": shading["id"]},
    )
    assert same.json()["message"] == "Source and target tasks must be different."


def test_status_automations_follow_a_comment(review, system):
    admin, pid = review.admin, review.pid
    char = admin.get("/data/entity-types", params={"name": "Character"}).json()[0]
    asset = admin.post(
        f"/data/projects/{pid}/asset-types/{char['id']}/assets/new", json={"name": "Ann"}
    ).json()
    types = {
        n: admin.get("/data/task-types", params={"name": n}).json()[0]
        for n in ("Modeling", "Rigging")
    }
    done = admin.get("/data/task-status", params={"short_name": "done"}).json()[0]
    wip, wfa = review.status["wip"], review.status["wfa"]
    tasks = {
        name: admin.post(
            f"/actions/projects/{pid}/task-types/{tt['id']}/assets/create-tasks",
            json=[asset["id"]],
        ).json()[0]
        for name, tt in types.items()
    }
    common = {"entity_type": "asset", "in_task_type_id": types["Modeling"]["id"]}
    for extra in (
        {
            "in_task_status_id": done["id"],
            "out_field_type": "status",
            "out_task_type_id": types["Rigging"]["id"],
            "out_task_status_id": wip["id"],
        },
        {
            "in_task_status_id": wfa["id"],
            "out_field_type": "ready_for",
            "out_task_type_id": types["Rigging"]["id"],
        },
    ):
        made = admin.post("/data/status-automations", json={**common, **extra}).json()
        linked = admin.post(
            f"/data/projects/{pid}/settings/status-automations",
            json={"status_automation_id": made["id"]},
        )
        assert linked.status_code == 201, linked.text
    modeling = f"/actions/tasks/{tasks['Modeling']['id']}/comment"
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        admin.post(modeling, json={"task_status_id": wfa["id"], "comment": "ready"})
        events.wait_for(
            lambda e: e["name"] == "asset:update" and e["data"]["asset_id"] == asset["id"]
        )
    assert admin.get(f"/data/assets/{asset['id']}").json()["ready_for"] == types["Rigging"]["id"]
    posted = admin.post(modeling, json={"task_status_id": done["id"], "comment": "done"})
    assert posted.status_code == 201, posted.text
    rigging = admin.get(f"/data/tasks/{tasks['Rigging']['id']}").json()
    assert rigging["task_status_id"] == wip["id"]
    [note] = admin.get(f"/data/tasks/{tasks['Rigging']['id']}/comments").json()
    assert note["text"] == "Change triggered by Modeling set to Done"


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("POST", "/actions/tasks/batch-comment", {}, 400),
        ("POST", "/actions/tasks/batch-comment", {"comments": "x"}, 400),
        ("POST", "/actions/tasks/batch-comment", {"comments": [{"text": "a"}]}, 400),
        ("POST", "/actions/tasks/{task}/batch-comment", {"comments": [{"text": "a"}]}, 400),
        ("POST", "/actions/tasks/{task}/batch-comment", {"comments": [{"ts": 1}]}, 400),
        ("POST", "/actions/tasks/nope/batch-comment", {"comments": []}, 400),
        ("POST", f"/actions/tasks/{uuid.uuid4()}/batch-comment", "{wip}", 404),
        ("POST", "/actions/tasks/{task}/batch-comment", "{unknown status}", 404),
        ("POST", "/actions/tasks/{task}/batch-comment", "{unknown author}", 404),
        ("POST", "/actions/projects/{pid}/tasks/copy-client-comments", {"task_ids": []}, 400),
        ("POST", "/actions/projects/{pid}/tasks/copy-client-comments", {"task_ids": ["x"]}, 400),
        ("POST", "/actions/projects/nope/tasks/copy-client-comments", {"task_ids": []}, 400),
        ("POST", "/actions/tasks/{task}/comments/{task}/move", {}, 400),
        ("POST", "/actions/tasks/{task}/comments/nope/move", {"target_task_id": "x"}, 400),
        ("POST", f"/actions/tasks/{{task}}/comments/{uuid.uuid4()}/move", "{target}", 404),
    ],
)
def test_bad_input_is_refused(review, method, path, body, status):
    task = review.tasks[0]["id"]
    url = path.format(task=task, pid=review.pid)
    if body == "{wip}":
        body = {"comments": [{"task_status_id": review.status["wip"]["id"], "text": "a"}]}
    elif body == "{unknown status}":
        body = {"comments": [{"task_status_id": str(uuid.uuid4()), "text": "a"}]}
    elif body == "{unknown author}":
        wip = review.status["wip"]["id"]
        body = {"comments": [{"task_status_id": wip, "text": "a", "person_id": str(uuid.uuid4())}]}
    elif body == "{target}":
        body = {"target_task_id": review.tasks[1]["id"]}
    answer = review.admin.request(method, url, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] is True and answer.json()["message"]
