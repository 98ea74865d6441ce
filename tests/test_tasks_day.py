"""A worked day through the gateway: a supervisor assigns, an artist comments WIP then WFA,
the supervisor asks for a retake, then approves; time is logged; notifications and events
follow each step as in Zou."""

import uuid

import pytest

from tests.support.events import EventListener
from tests.support.studio import asset_task, first, make, person, tag


@pytest.fixture(scope="module")
def day(system, admin_token):
    with system.client(admin_token) as admin:
        d = type("Day", (), {})()
        d.admin = admin
        d.project = make(admin, "/data/projects", {"name": f"day-{tag()}", "max_retakes": 1})
        character = first(admin, "/data/entity-types", name="Character")
        d.task_type = first(admin, "/data/task-types", name="Modeling")
        d.status = {
            s: first(admin, "/data/task-status", short_name=s)
            for s in ("todo", "wip", "wfa", "retake", "done")
        }
        d.assets = [
            make(
                admin,
                "/data/entities",
                {
                    "name": f"asset-{tag()}",
                    "project_id": d.project["id"],
                    "entity_type_id": character["id"],
                },
            )
            for _ in range(2)
        ]
        d.artist, d.artist_client = person(system, admin, "user")
        d.supervisor, d.supervisor_client = person(system, admin, "supervisor")
        response = admin.put(
            f"/data/projects/{d.project['id']}", json={"team": [d.supervisor["id"]]}
        )
        assert response.status_code == 200, response.text
        yield d
        d.artist_client.close()
        d.supervisor_client.close()


def test_worked_day(system, day):
    admin, artist, supervisor = day.admin, day.artist_client, day.supervisor_client
    project_id = day.project["id"]
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        # The production manager creates the modeling tasks of both assets.
        response = admin.post(
            f"/actions/projects/{project_id}/task-types/{day.task_type['id']}/assets/create-tasks",
            json=[a["id"] for a in day.assets],
        )
        assert response.status_code == 201, response.text
        tasks = response.json()
        assert len(tasks) == 2
        assert {t["task_status_short_name"] for t in tasks} == {"todo"}
        task = tasks[0]
        events.wait_for(lambda e: e["name"] == "task:new" and e["data"]["task_id"] == task["id"])

        # The supervisor assigns the artist and follows the task.
        response = supervisor.put(
            f"/actions/tasks/{task['id']}/assign", json={"person_id": day.artist["id"]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["assignees"] == [day.artist["id"]]
        events.wait_for(
            lambda e: (
                e["name"] == "task:assign"
                and e["data"] == {**e["data"], "task_id": task["id"], "person_id": day.artist["id"]}
            )
        )
        assert supervisor.post(f"/actions/user/tasks/{task['id']}/subscribe").status_code == 201

        # The artist sees it in their to-do list.
        todo = artist.get("/data/user/tasks")
        assert todo.status_code == 200, todo.text
        todo = todo.json()
        assert [t["id"] for t in todo] == [task["id"]]
        assert todo[0]["entity_name"] == day.assets[0]["name"]
        assert todo[0]["task_status_short_name"] == "todo"
        assert todo[0]["last_comment"] == {}

        # Artist: WIP. The first WIP starts the task.
        comment = artist.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["wip"]["id"], "comment": "starting"},
        )
        assert comment.status_code == 201, comment.text
        assert comment.json()["task_status"]["short_name"] == "wip"
        assert comment.json()["person"]["id"] == day.artist["id"]
        state = admin.get(f"/data/tasks/{task['id']}").json()
        assert state["task_status_id"] == day.status["wip"]["id"]
        assert state["real_start_date"] is not None
        assert state["last_comment_date"] is not None
        events.wait_for(
            lambda e: (
                e["name"] == "task:status-changed"
                and e["data"]["task_id"] == task["id"]
                and e["data"]["new_task_status_id"] == day.status["wip"]["id"]
            )
        )
        events.wait_for(lambda e: e["name"] == "comment:new" and e["data"]["task_id"] == task["id"])

        # Artist: waiting for approval -> end date, task:to-review, supervisor notified.
        response = artist.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["wfa"]["id"], "comment": "please check"},
        )
        assert response.status_code == 201, response.text
        state = admin.get(f"/data/tasks/{task['id']}").json()
        assert state["end_date"] is not None
        events.wait_for(
            lambda e: e["name"] == "task:to-review" and e["data"]["task_id"] == task["id"]
        )
        notes = supervisor.get("/data/user/notifications").json()
        assert any(
            n["task_id"] == task["id"] and n["notification_type"] == "comment" for n in notes
        )

        # Supervisor: retake -> retake_count 1, artist notified; a second retake is refused.
        response = supervisor.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["retake"]["id"], "comment": "more detail"},
        )
        assert response.status_code == 201, response.text
        state = admin.get(f"/data/tasks/{task['id']}").json()
        assert state["retake_count"] == 1
        assert state["end_date"] is None
        notes = artist.get("/data/user/notifications").json()
        assert any(n["comment_id"] == response.json()["id"] for n in notes)
        artist.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["wfa"]["id"], "comment": "v2"},
        )
        refused = supervisor.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["retake"]["id"], "comment": "again"},
        )
        assert refused.status_code == 400
        assert "retake" in refused.json()["message"]

        # Supervisor: done.
        response = supervisor.post(
            f"/actions/tasks/{task['id']}/comment",
            json={"task_status_id": day.status["done"]["id"], "comment": "approved"},
        )
        assert response.status_code == 201, response.text
        state = admin.get(f"/data/tasks/{task['id']}").json()
        assert state["done_date"] is not None
        done = artist.get("/data/user/done-tasks").json()
        assert [t["id"] for t in done] == [task["id"]]
        assert done[0]["last_comment"]["text"] == "approved"
        assert artist.get("/data/user/tasks").json() == []

        comments = artist.get(f"/data/tasks/{task['id']}/comments").json()
        assert [c["text"] for c in comments] == [
            "approved",
            "v2",
            "more detail",
            "please check",
            "starting",
        ]
        news = admin.get(f"/data/projects/{project_id}/news")
        if news.status_code == 200 and isinstance(news.json(), dict):
            assert news.json()["total"] >= 5


def test_time_spents_of_a_day(system, day):
    admin, artist = day.admin, day.artist_client
    project_id = day.project["id"]
    task = admin.post(
        f"/actions/projects/{project_id}/task-types/{day.task_type['id']}/create-tasks/assets",
        json=[day.assets[1]["id"]],
    ).json()
    if not task:
        task = admin.get(
            f"/data/entities/{day.assets[1]['id']}/task-types/{day.task_type['id']}/tasks"
        ).json()
    task = task[0]
    admin.put(f"/actions/tasks/{task['id']}/assign", json={"person_id": day.artist["id"]})
    url = f"/actions/tasks/{task['id']}/time-spents/2026-03-02/persons/{day.artist['id']}"
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        response = artist.post(url, json={"duration": 120})
        assert response.status_code == 201, response.text
        assert response.json()["duration"] == 120
        response = artist.post(url + "/add", json={"duration": 60})
        assert response.status_code == 201
        assert response.json()["duration"] == 180
        events.wait_for(lambda e: e["name"] == "time-spent:update")
    assert admin.get(f"/data/tasks/{task['id']}").json()["duration"] == 180
    spent = artist.get("/data/user/time-spents/2026-03-02").json()
    assert [s["duration"] for s in spent] == [180]
    summary = admin.get(f"/actions/tasks/{task['id']}/time-spents").json()
    assert summary["total"] == 180 and len(summary[day.artist["id"]]) == 1

    # Someone else's time is not the artist's to set.
    other = day.supervisor["id"]
    refused = artist.post(
        f"/actions/tasks/{task['id']}/time-spents/2026-03-02/persons/{other}",
        json={"duration": 10},
    )
    assert refused.status_code == 403

    assert artist.delete(url).status_code == 201
    assert admin.get(f"/data/tasks/{task['id']}").json()["duration"] == 0
    assert artist.get("/data/user/time-spents/2026-03-02").json() == []
    assert artist.get("/data/user/day-offs/2026-03-02").json() == {}


def test_back_dated_comment_replays_history(day):
    admin = day.admin
    project_id = day.project["id"]
    asset = make(
        admin,
        "/data/entities",
        {
            "name": f"asset-{tag()}",
            "project_id": project_id,
            "entity_type_id": day.assets[0]["entity_type_id"],
        },
    )
    task = admin.post(
        f"/actions/projects/{project_id}/task-types/{day.task_type['id']}/assets/create-tasks",
        json=[asset["id"]],
    ).json()[0]
    url = f"/actions/tasks/{task['id']}/comment"
    admin.post(url, json={"task_status_id": day.status["wfa"]["id"], "comment": "now"})
    old = admin.post(
        url,
        json={
            "task_status_id": day.status["wip"]["id"],
            "comment": "imported",
            "created_at": "2020-01-01T10:00:00",
        },
    )
    assert old.status_code == 201, old.text
    state = admin.get(f"/data/tasks/{task['id']}").json()
    assert state["task_status_id"] == day.status["wfa"]["id"]
    assert state["real_start_date"] == "2020-01-01T10:00:00"


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/actions/tasks/{task}/comment", {"comment": "no status"}),
        ("POST", "/actions/tasks/{task}/comment", {"task_status_id": "nope"}),
        ("POST", "/actions/tasks/not-a-uuid/comment", {"task_status_id": "{todo}"}),
        ("PUT", "/actions/tasks/{task}/assign", {}),
        ("PUT", "/actions/tasks/{task}/assign", {"person_id": "x"}),
        ("PUT", "/actions/persons/{admin}/assign", {"task_ids": "x"}),
        ("PUT", "/actions/tasks/clear-assignation", {}),
        ("PUT", "/actions/tasks/set-priority", {"task_ids": []}),
        ("POST", "/actions/projects/{project}/delete-tasks", {"a": 1}),
        ("POST", "/actions/projects/{project}/task-types/{type}/create-tasks/nothing", []),
        ("POST", "/actions/projects/{project}/task-types/{type}/shots/create-tasks", {"a": 1}),
        ("POST", "/actions/tasks/{task}/time-spents/2026-13-45/persons/{admin}", {"duration": 1}),
        ("POST", "/actions/tasks/{task}/time-spents/2026-01-02/persons/{admin}", {}),
        (
            "POST",
            "/actions/tasks/{task}/time-spents/2026-01-02/persons/{admin}/add",
            {"duration": "x"},
        ),
        ("GET", "/actions/tasks/{task}/time-spents/garbage", None),
        ("GET", "/data/tasks/not-a-uuid/full", None),
        ("GET", "/data/tasks/{task}/comments/not-a-uuid", None),
        ("POST", "/data/tasks/{task}/comments/not-a-uuid/ack", None),
        ("POST", "/data/tasks/{task}/comments/{task}/reply", {"text": 3}),
        ("DELETE", "/data/tasks/{task}/comments/{task}/reply/nope", None),
        ("GET", "/data/user/time-spents/yesterday", None),
        ("GET", "/data/user/time-spents?start_date=2026-01-01", None),
        ("GET", "/data/user/day-offs/notadate", None),
        ("GET", "/data/user/tasks/{task}/time-spents/notadate", None),
        ("PUT", "/data/user/notifications/{task}", {"read": "yes"}),
        ("GET", "/data/user/notifications/not-a-uuid", None),
        ("POST", "/data/user/filters", {"name": "x"}),
        ("POST", "/data/user/filter-groups", {"list_type": "asset"}),
        ("PUT", "/data/user/filters/not-a-uuid", {}),
        ("POST", "/actions/user/tasks/subscribe", {"task_ids": ["x"]}),
        ("POST", "/actions/user/tasks/unsubscribe", {}),
        ("POST", "/data/user/desktop-login-logs", {"date": "when"}),
        ("GET", "/data/persons/not-a-uuid/tasks", None),
        ("GET", "/data/entities/x/task-types/y/tasks", None),
        ("POST", "/actions/projects/{project}/tasks/comment-many", {"not": "a list"}),
    ],
)
def test_bad_input_is_refused(day, method, path, body):
    values = {
        "task": None,
        "project": day.project["id"],
        "type": day.task_type["id"],
        "admin": day.supervisor["id"],
        "todo": day.status["todo"]["id"],
    }
    tasks = day.admin.get(f"/data/projects/{day.project['id']}/tasks").json()
    values["task"] = tasks[0]["id"] if tasks else str(uuid.uuid4())
    url = path.format(**values)
    if isinstance(body, dict):
        body = {k: (v.format(**values) if isinstance(v, str) else v) for k, v in body.items()}
    response = day.admin.request(method, url, json=body)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")


def test_a_comment_refuses_what_it_cannot_find(admin):
    _, _, task = asset_task(admin, "missing-bits")
    wip = next(s for s in admin.get("/data/task-status").json() if s["short_name"] == "wip")
    url = f"/actions/tasks/{task['id']}/comment"
    unknown = str(uuid.uuid4())
    no_status = admin.post(url, json={"task_status_id": unknown, "comment": "?"})
    assert no_status.status_code == 404 and no_status.json()["error"] is True
    no_task = admin.post(f"/actions/tasks/{unknown}/comment", json={"task_status_id": wip["id"]})
    assert no_task.status_code == 404
    no_author = admin.post(url, json={"task_status_id": wip["id"], "person_id": unknown})
    assert no_author.status_code == 400
    assert no_author.json()["message"] == "Person not found."
    comments = admin.get(f"/data/tasks/{task['id']}/comments").json()
    assert comments == []


def test_each_audience_reads_its_own_comments(system, admin):
    project, _, task = asset_task(admin, "audiences")
    client, client_http = person(system, admin, "client")
    artist, artist_http = person(system, admin, "user")
    for member in (client, artist):
        added = admin.post(f"/data/projects/{project['id']}/team", json={"person_id": member["id"]})
        assert added.status_code == 201, added.text
    wip = next(s for s in admin.get("/data/task-status").json() if s["short_name"] == "wip")
    url = f"/actions/tasks/{task['id']}/comment"
    for name, extra in (
        ("team", {}),
        ("shown", {"for_client": True}),
        ("by client", {"person_id": client["id"]}),
    ):
        posted = admin.post(url, json={"task_status_id": wip["id"], "comment": name, **extra})
        assert posted.status_code == 201, posted.text

    def seen(http) -> set:
        answer = http.get(f"/data/tasks/{task['id']}/comments")
        assert answer.status_code == 200, answer.text
        return {c["text"] for c in answer.json()}

    with client_http, artist_http:
        assert seen(admin) == {"team", "shown", "by client"}
        assert seen(client_http) == {"shown"}
        assert seen(artist_http) == {"team", "shown"}
