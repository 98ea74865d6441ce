"""Zou's list semantics, its refusals of bad input, and who may do what on /data/<model>."""

import uuid

import pytest

from tests.support.events import EventListener


def tag() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def production(system, admin_token):
    with system.client(admin_token) as admin:

        def make(path, body):
            response = admin.post(f"/data/{path}", json=body)
            assert response.status_code == 201, response.text
            return response.json()

        character = admin.get("/data/entity-types", params={"name": "character"}).json()[0]
        modeling = admin.get("/data/task-types", params={"name": "Modeling"}).json()[0]
        todo = admin.get("/data/task-status", params={"short_name": "todo"}).json()[0]
        p = {"project": make("projects", {"name": f"rules-{tag()}"})}
        p["other_project"] = make("projects", {"name": f"rules-other-{tag()}"})
        p["department"] = make("departments", {"name": f"rules-{tag()}", "color": "#000000"})
        p["asset"] = make(
            "entities",
            {
                "name": f"Hero-{tag()}",
                "project_id": p["project"]["id"],
                "entity_type_id": character["id"],
            },
        )
        p["other_asset"] = make(
            "entities",
            {
                "name": f"Villain-{tag()}",
                "project_id": p["other_project"]["id"],
                "entity_type_id": character["id"],
            },
        )
        p["task"] = make(
            "tasks",
            {
                "name": "main",
                "project_id": p["project"]["id"],
                "task_type_id": modeling["id"],
                "task_status_id": todo["id"],
                "entity_id": p["asset"]["id"],
            },
        )
        p["other_task"] = make(
            "tasks",
            {
                "name": "main",
                "project_id": p["other_project"]["id"],
                "task_type_id": modeling["id"],
                "task_status_id": todo["id"],
                "entity_id": p["other_asset"]["id"],
            },
        )
        p["character"], p["modeling"], p["todo"] = character, modeling, todo
        yield p


def test_starting_data_is_zous_init_data(admin):
    statuses = {s["short_name"]: s for s in admin.get("/data/task-status").json()}
    assert {"todo", "wip", "wfa", "retake", "done", "ready", "neutral", "approved"} <= set(statuses)
    assert statuses["todo"]["is_default"] and statuses["todo"]["color"] == "#f5f5f5"
    assert statuses["wfa"]["is_feedback_request"] and statuses["retake"]["is_retake"]
    assert statuses["approved"]["for_concept"] and statuses["done"]["is_done"]
    assert {"Open", "Closed"} <= {s["name"] for s in admin.get("/data/project-status").json()}
    types = {t["name"] for t in admin.get("/data/entity-types").json()}
    assert {"Episode", "Sequence", "Shot", "Edit", "Character", "Prop", "Environment"} <= types
    task_types = {(t["name"], t["for_entity"]) for t in admin.get("/data/task-types").json()}
    assert {("Modeling", "Asset"), ("Animation", "Shot"), ("Edit", "Edit")} <= task_types


def test_list_filters_as_zou(admin, production):
    project_id = production["project"]["id"]
    asset = production["asset"]
    # name matches case-insensitively, with % wildcards
    found = admin.get("/data/entities", params={"name": asset["name"].upper()}).json()
    assert [e["id"] for e in found] == [asset["id"]]
    assert found[0]["type"] == "Asset"
    prefix = admin.get("/data/entities", params={"name": "hero-%", "project_id": project_id})
    assert asset["id"] in [e["id"] for e in prefix.json()]
    # [..] is an IN list; unknown keys are ignored
    both = [production["project"]["id"], production["other_project"]["id"]]
    listed = admin.get("/data/projects", params={"id": str(both).replace("'", '"'), "zz": "1"})
    assert sorted(p["id"] for p in listed.json()) == sorted(both)
    # many-to-many membership and relation lists
    me = admin.get("/data/persons", params={"email": "admin@example.com"}).json()[0]
    task = production["task"]
    assert admin.put(f"/data/tasks/{task['id']}", json={"assignees": [me["id"]]}).status_code == 200
    mine = admin.get("/data/tasks", params={"assignees": me["id"], "relations": "true"}).json()
    assert [t["id"] for t in mine] == [task["id"]] and mine[0]["assignees"] == [me["id"]]
    assert "assignees" not in admin.get("/data/tasks", params={"id": task["id"]}).json()[0]
    # fields keeps the asked keys (and the type)
    slim = admin.get("/data/projects", params={"id": project_id, "fields": "name,id"}).json()
    assert slim == [{"name": production["project"]["name"], "id": project_id, "type": "Project"}]
    # pages
    paged = admin.get("/data/task-status", params={"page": 2, "limit": 2}).json()
    assert paged["page"] == 2 and paged["offset"] == 2 and paged["limit"] == 2
    assert len(paged["data"]) == 2 and paged["nb_pages"] == -(-paged["total"] // 2)
    beyond = admin.get("/data/task-status", params={"page": 999, "limit": 2}).json()
    assert beyond["data"] == []
    # single get has relations; persons never show SSO identities
    got = admin.get(f"/data/projects/{project_id}").json()
    assert "team" in got and "task_types" in got
    person = admin.get(f"/data/persons/{me['id']}").json()
    assert person["full_name"] and "oidc_subject" not in person and "departments" in person


@pytest.mark.parametrize(
    "url, status, body",
    [
        ("/data/persons?oidc_subject=x", 400,
         {"error": True, "data": None, "message": "Filtering on oidc_subject is not allowed."}),
        ("/data/tasks/not-an-id", 400, {"error": True, "message": "Malformed ID.", "data": None}),
        (f"/data/tasks/{uuid.uuid4()}", 404, None),
        ("/data/task-types?priority=abc", 400, None),
        ("/data/task-types?id=[1", 400, None),
        ("/data/task-types?page=x", 400, None),
        ("/data/tasks?data=1", 400, None),
        ("/data/projects/", 200, None),
    ],
)  # fmt: skip
def test_list_and_get_refusals(admin, url, status, body):
    response = admin.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    if body is not None:
        assert response.json() == body


def bad_inputs(p):
    """(model, body, field named) — five or more per family; none may write anything."""
    project, task, asset = p["project"]["id"], p["task"]["id"], p["asset"]["id"]
    missing = str(uuid.uuid4())
    name = f"bad-{tag()}"
    return [
        # vocabularies
        ("departments", {"name": name, "color": "#000000", "bogus": 1}, "bogus"),
        ("departments", {"color": "#000000"}, "name"),
        ("departments", {"name": p["department"]["name"], "color": "#000000"}, "name"),
        ("departments", {"name": name, "color": 12}, "color"),
        ("task-types", {"name": name, "department_id": "not-a-uuid"}, "department_id"),
        ("task-types", {"name": name, "department_id": missing}, "department_id"),
        ("task-types", {"name": name, "priority": "abc"}, "priority"),
        ("task-status", {"name": name, "short_name": "x" * 11, "color": "#000000"}, "short_name"),
        # production
        ("projects", {"name": name, "production_style": "opera"}, "production_style"),
        ("projects", {"name": name, "start_date": "2024-13-45"}, "start_date"),
        ("projects", {"name": name, "fps": {"a": 1}}, "fps"),
        ("projects", {"name": p["project"]["name"]}, "name"),
        ("projects", {"name": name, "team": ["nope"]}, "team"),
        ("projects", {"name": name, "project_status_id": missing}, "project_status_id"),
        ("entities", {"name": name, "project_id": project}, "entity_type_id"),
        (
            "entities",
            {"name": name, "project_id": project, "entity_type_id": missing},
            "entity_type_id",
        ),
        ("entities", {"name": name, "project_id": project, "entity_type_id": p["character"]["id"],
                      "status": "lost"}, "status"),
        ("tasks", {"name": name, "project_id": project, "entity_id": asset,
                   "task_type_id": p["modeling"]["id"], "task_status_id": p["todo"]["id"],
                   "difficulty": 9}, "difficulty"),
        ("tasks", {"name": name, "project_id": project, "entity_id": asset,
                   "task_type_id": p["modeling"]["id"], "assignees": [missing]}, "assignees"),
        ("tasks", {"name": name, "project_id": project, "entity_id": asset,
                   "task_type_id": p["modeling"]["id"], "priority": True}, "priority"),
        ("time-spents", {"task_id": task, "date": "2024-01-01", "duration": -1},
         "duration"),
        ("time-spents", {"task_id": task, "date": "nope", "duration": 1}, "date"),
        # people
        ("persons", {"first_name": name, "last_name": "x", "role": "king"}, "role"),
        ("persons", {"first_name": name, "last_name": "x", "email": "no-at-sign"}, "email"),
        ("persons", {"first_name": name}, "last_name"),
        ("persons", {"first_name": name, "last_name": "x", "departments": [missing]},
         "departments"),
        ("persons", {"first_name": name, "last_name": "x", "active": "maybe"}, "active"),
        ("persons", {"first_name": name, "last_name": "x", "password": 12345678}, "password"),
        ("salary-scales", {"department_id": p["department"]["id"]}, None),
    ]  # fmt: skip


def test_bad_inputs_give_400_and_write_nothing(system, admin, production):
    with EventListener(system.nats_url, system.subject(">")) as events:
        for path, body, field in bad_inputs(production):
            before = admin.get(f"/data/{path}", params={"page": 1, "limit": 1}).json()["total"]
            response = admin.post(f"/data/{path}", json=body)
            assert response.status_code == 400, (path, body, response.text)
            answer = response.json()
            assert answer["message"], answer
            if field:
                assert answer.get("field") == field or field in answer["message"], (path, answer)
            after = admin.get(f"/data/{path}", params={"page": 1, "limit": 1}).json()["total"]
            assert after == before, (path, body)
        names = [e["name"] for e in events.all(settle=0.5)]
    assert not [n for n in names if n.endswith(":new")], names


def test_bad_updates_and_blocked_deletes(admin, production):
    task = production["task"]
    for change in ({"difficulty": 0}, {"estimation": "long"}, {"task_status_id": "x"}, [1, 2]):
        response = admin.put(f"/data/tasks/{task['id']}", json=change)
        assert response.status_code == 400, (change, response.text)
    assert admin.get(f"/data/tasks/{task['id']}").json()["difficulty"] == task["difficulty"]
    response = admin.put(f"/data/tasks/{task['id']}", content=b"not json")
    assert response.status_code == 400 and response.json()["error"] is True
    # the asset still has a task: deleting it is refused, the row stays
    response = admin.delete(f"/data/entities/{production['asset']['id']}")
    assert response.status_code == 400, response.text
    assert "referencing" in response.json()["message"]
    assert response.json()["field"] == "task.entity_id"
    assert admin.get(f"/data/entities/{production['asset']['id']}").status_code == 200
    assert admin.delete("/data/tasks/not-an-id").status_code == 400
    assert admin.delete(f"/data/tasks/{uuid.uuid4()}").status_code == 404


@pytest.fixture(scope="module")
def artist(system, admin_token, production):
    """A user in the first production's team, logged in with a password set by an admin."""
    email = f"artist-{tag()}@example.com"
    with system.client(admin_token) as admin:
        person = admin.post(
            "/data/persons", json={"first_name": "Art", "last_name": "Ist", "email": email}
        ).json()
        project = production["project"]
        team = admin.put(f"/data/projects/{project['id']}", json={"team": [person["id"]]})
        assert team.status_code == 200, team.text
        password = f"pw-{uuid.uuid4().hex}"
        response = admin.post(
            f"/actions/persons/{person['id']}/change-password",
            # Zou's admin route takes only password and password_2; auth still asks
            # for old_password there, so one is sent until that is fixed.
            json={"password": password, "password_2": password, "old_password": "unused"},
        )
        if response.status_code == 404:
            pytest.skip("POST /actions/persons/{id}/change-password is not there yet")
        assert response.status_code == 200, response.text
    with system.client(system.login(email, password)) as client:
        client.person = person
        yield client


def test_an_artist_sees_their_production_only(artist, production):
    ids = [p["id"] for p in artist.get("/data/projects").json()]
    assert ids == [production["project"]["id"]]
    tasks = [t["id"] for t in artist.get("/data/tasks").json()]
    assert production["task"]["id"] in tasks and production["other_task"]["id"] not in tasks
    assert artist.get(f"/data/tasks/{production['task']['id']}").status_code == 200
    assert artist.get(f"/data/tasks/{production['other_task']['id']}").status_code == 403
    assert artist.get(f"/data/projects/{production['other_project']['id']}").status_code == 403
    # shared vocabularies are open to everyone
    assert artist.get("/data/task-status").status_code == 200
    assert artist.get("/data/departments").status_code == 200
    # people are shown minimal, and only visible columns filter
    people = artist.get("/data/persons").json()
    assert people and "email" not in people[0] and people[0]["full_name"]
    assert artist.get("/data/persons", params={"phone": "1"}).status_code == 400


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/data/budgets", None),
        ("GET", "/data/hardware-items", None),
        ("GET", "/data/events", None),
        ("GET", "/data/project-templates", None),
        ("POST", "/data/departments", {"name": "x", "color": "#000000"}),
        ("POST", "/data/projects", {"name": "x"}),
        ("POST", "/data/persons", {"first_name": "a", "last_name": "b"}),
        ("POST", "/data/task-status", {"name": "x", "short_name": "x", "color": "#000000"}),
    ],
)
def test_an_artist_gets_zous_403s(artist, method, path, body):
    response = artist.request(method, path, json=body)
    assert response.status_code == 403, response.text
    assert response.json()["error"] is True


def test_an_artist_cannot_write_another_production(artist, production):
    task = production["other_task"]
    assert artist.put(f"/data/tasks/{task['id']}", json={"priority": 3}).status_code == 403
    assert artist.delete(f"/data/tasks/{task['id']}").status_code == 403
    entity = {
        "name": f"x-{tag()}",
        "project_id": production["project"]["id"],
        "entity_type_id": production["character"]["id"],
    }
    assert artist.post("/data/entities", json=entity).status_code == 403
    # nothing was created by the refused write
    assert artist.get("/data/entities", params={"name": entity["name"]}).json() == []
    # a person may edit their own profile but not their role
    me = artist.person["id"]
    response = artist.put(f"/data/persons/{me}", json={"phone": "42", "role": "admin"})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "user"


def test_migrate_with_a_domain_adds_its_starting_data(system, admin):
    result = system.cli("migrate", "--domain", "vfx")
    assert result.returncode == 0, result.stderr[-2000:]
    task_types = {(t["name"], t["for_entity"]) for t in admin.get("/data/task-types").json()}
    assert {("Matchmove", "Shot"), ("DMP", "Shot")} <= task_types
    assert admin.get("/data/entity-types", params={"name": "Vehicle"}).json()
    # run again: nothing doubles
    assert system.cli("migrate", "--domain", "vfx").returncode == 0
    assert len(admin.get("/data/task-types", params={"name": "Matchmove"}).json()) == 1
