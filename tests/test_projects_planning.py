"""A producer plans a show: custom columns, budgets, schedules, software per task type,
the team's time and days off."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def show(system, admin_token):
    with system.client(admin_token) as admin:
        project = admin.post(
            "/data/projects", json={"name": f"h14-plan-{tag()}", "production_type": "tvshow"}
        ).json()
        pid = project["id"]
        task_types = {(t["name"], t["for_entity"]): t for t in admin.get("/data/task-types").json()}
        layout = task_types[("Layout", "Shot")]
        admin.post(f"/data/projects/{pid}/settings/task-types", json={"task_type_id": layout["id"]})
        status = admin.get("/data/task-status").json()[0]
        admin.post(
            f"/data/projects/{pid}/settings/task-status", json={"task_status_id": status["id"]}
        )
        seq = admin.post(
            f"/data/projects/{pid}/sequences",
            json={"name": "SQ01", "episode_id": project["first_episode_id"]},
        ).json()
        shot = admin.post(
            f"/data/projects/{pid}/shots", json={"name": "SH01", "sequence_id": seq["id"]}
        ).json()
        tasks = admin.post(f"/data/entities/{shot['id']}/tasks", json={}).json()
        assert len(tasks) == 1, tasks
        software = admin.post(
            "/data/softwares",
            json={"name": f"h14-sw-{tag()}", "short_name": "sw", "file_extension": ".sw"},
        ).json()
        department = admin.get("/data/departments").json()[0]
        return {
            "project": project,
            "seq": seq,
            "task": tasks[0],
            "layout": layout,
            "status": status,
            "software": software,
            "department": department,
        }


def test_all_projects_come_without_their_link_lists_as_in_zou(admin, show):
    pid = show["project"]["id"]
    (listed,) = [p for p in admin.get("/data/projects/all").json() if p["id"] == pid]
    assert listed["project_status_name"] == "Open" and listed["type"] == "Project"
    assert not {"team", "task_types", "task_statuses", "asset_types"} & set(listed)
    (opened,) = [p for p in admin.get("/data/projects/open").json() if p["id"] == pid]
    assert show["layout"]["id"] in opened["task_types"]


def test_metadata_descriptors_of_a_production(system, admin, show):
    pid = show["project"]["id"]
    base = f"/data/projects/{pid}/metadata-descriptors"
    with EventListener(system.nats_url, system.subject(">")) as events:
        made = admin.post(base, json={"name": "Lens Size", "entity_type": "Shot"})
        assert made.status_code == 201, made.text
        events.wait_for(lambda e: e["name"] == "metadata-descriptor:new")
    lens = made.json()
    assert (lens["field_name"], lens["data_type"], lens["departments"]) == (
        "lens_size",
        "string",
        [],
    )
    other = admin.post(base, json={"name": "Rig", "entity_type": "Shot", "data_type": "boolean"})
    assert admin.post(base, json={"name": "Lens Size", "entity_type": "Shot"}).status_code == 400
    assert [d["id"] for d in admin.get(base).json()] == [lens["id"], other.json()["id"]]
    renamed = admin.put(f"{base}/{lens['id']}", json={"name": "Focal"})
    assert renamed.json()["field_name"] == "focal"
    assert admin.get(f"{base}/{lens['id']}").json()["name"] == "Focal"
    ordered = admin.post(
        f"{base}/reorder", json={"entity_type": "Shot", "descriptor_ids": [other.json()["id"]]}
    )
    assert [(d["name"], d["position"]) for d in ordered.json()] == [("Rig", 1), ("Focal", 2)]
    assert admin.delete(f"{base}/{other.json()['id']}").status_code == 204
    assert admin.get(f"{base}/{other.json()['id']}").status_code == 404


def test_metadata_descriptors_across_productions(admin, show):
    name = f"h14 Shared {tag()}"
    made = admin.post(
        "/data/metadata-descriptors/all-projects", json={"name": name, "entity_type": "Asset"}
    )
    assert made.status_code == 201, made.text
    field = made.json()[0]["field_name"]
    assert show["project"]["id"] in [d["project_id"] for d in made.json()]
    updated = admin.put(
        f"/data/metadata-descriptors/all-projects/{field}",
        json={"entity_type": "Asset", "data_type": "number"},
    )
    assert {d["data_type"] for d in updated.json()} == {"number"}
    ordered = admin.post(
        "/actions/metadata-descriptors/all-projects/reorder",
        json={"entity_type": "Asset", "field_order": [field]},
    )
    assert ordered.status_code == 200
    removed = admin.delete(
        f"/data/metadata-descriptors/all-projects/{field}", params={"entity_type": "Asset"}
    )
    assert len(removed.json()) == len(made.json())


def test_metadata_descriptors_refuse_bad_input(system, admin, show):
    pid = show["project"]["id"]
    base = f"/data/projects/{pid}/metadata-descriptors"
    wrong = admin.post(base, json={"name": "x", "entity_type": "Foo"})
    assert wrong.status_code == 400 and "entity type" in wrong.json()["message"]
    assert (
        admin.post(base, json={"name": "x", "data_type": "blob"}).json()["message"]
        == "Invalid data_type"
    )
    assert admin.post(base, json={"entity_type": "Shot"}).status_code == 400
    assert admin.post(base, json={"name": "x", "entity_type": "Task"}).status_code == 400
    assert admin.post(base, json={"name": "x", "departments": ["nope"]}).status_code == 400
    assert admin.put(f"{base}/{MISSING}", json={}).status_code == 404
    assert admin.put(f"{base}/nope", json={}).status_code == 400
    assert admin.delete(f"{base}/{MISSING}").status_code == 404
    assert admin.post(f"{base}/reorder", json={"entity_type": "Shot"}).status_code == 400
    assert (
        admin.post(
            f"{base}/reorder", json={"entity_type": "Shot", "descriptor_ids": [MISSING]}
        ).status_code
        == 400
    )
    assert admin.get(f"/data/projects/{MISSING}/metadata-descriptors").status_code == 404
    assert (
        admin.post(
            "/data/metadata-descriptors/all-projects", json={"name": "x", "entity_type": "Task"}
        ).status_code
        == 400
    )
    assert admin.put("/data/metadata-descriptors/all-projects/x", json={}).status_code == 400
    assert admin.delete("/data/metadata-descriptors/all-projects/x").status_code == 400
    assert (
        admin.post(
            "/actions/metadata-descriptors/all-projects/reorder", json={"entity_type": "Shot"}
        ).status_code
        == 400
    )
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(base).status_code == 403
        assert outsider.post(base, json={"name": "y", "entity_type": "Shot"}).status_code == 403
        assert (
            outsider.post("/data/metadata-descriptors/all-projects", json={"name": "y"}).status_code
            == 403
        )


def test_budgets_and_their_entries(system, admin, show):
    pid, dep = show["project"]["id"], show["department"]["id"]
    with EventListener(system.nats_url, system.subject(">")) as events:
        first = admin.post(f"/data/projects/{pid}/budgets", json={"name": "v1"})
        assert first.status_code == 200, first.text
        events.wait_for(lambda e: e["name"] == "budget:create")
    second = admin.post(f"/data/projects/{pid}/budgets", json={"name": "v2", "currency": "EUR"})
    assert [(b["revision"], b["currency"]) for b in (first.json(), second.json())] == [
        (1, "USD"),
        (2, "EUR"),
    ]
    base = f"/data/projects/{pid}/budgets/{first.json()['id']}"
    assert admin.get(base).json()["name"] == "v1"
    made = admin.post(
        f"{base}/entries",
        json={
            "department_id": dep,
            "start_date": "2031-01-01",
            "months_duration": 2,
            "daily_salary": 100,
        },
    )
    assert made.status_code == 200, made.text
    entry = made.json()
    assert (entry["position"], entry["seniority"], entry["exceptions"]) == ("artist", "mid", {})
    changed = admin.put(
        f"{base}/entries/{entry['id']}", json={"exceptions": {"2031-01": 200, "2031-02": 0}}
    )
    assert changed.json()["exceptions"] == {"2031-01": 200}
    listed = admin.get(f"{base}/entries").json()
    assert [(e["id"], e["daily_salary"]) for e in listed] == [(entry["id"], 100.0)]
    assert "type" not in listed[0]
    assert admin.get(f"{base}/entries/{entry['id']}").json()["type"] == "BudgetEntry"
    assert admin.delete(f"{base}/entries/{entry['id']}").status_code == 204
    assert admin.delete(base).status_code == 204
    assert admin.get(base).status_code == 404


def test_budgets_refuse_bad_input(system, admin, show):
    pid = show["project"]["id"]
    budget = admin.post(f"/data/projects/{pid}/budgets", json={"name": "bad"}).json()
    base = f"/data/projects/{pid}/budgets/{budget['id']}"
    assert admin.post(f"/data/projects/{pid}/budgets", json={}).status_code == 400
    assert (
        admin.post(
            f"/data/projects/{pid}/budgets", json={"name": "x", "currency": "EUROS"}
        ).status_code
        == 400
    )
    assert admin.post(f"{base}/entries", json={}).status_code == 400
    no_date = admin.post(
        f"{base}/entries",
        json={"department_id": show["department"]["id"], "months_duration": 1, "daily_salary": 1},
    )
    assert no_date.status_code == 400 and "start_date" in no_date.json()["message"]
    bad_position = admin.post(
        f"{base}/entries",
        json={
            "department_id": show["department"]["id"],
            "start_date": "2031-01-01",
            "months_duration": 1,
            "daily_salary": 1,
            "position": "boss",
        },
    )
    assert bad_position.status_code == 400
    assert admin.put(f"{base}/entries/{MISSING}", json={}).status_code == 404
    assert admin.get(f"{base}/entries/nope").status_code == 400
    assert admin.get(f"/data/projects/{pid}/budgets/{MISSING}").status_code == 404
    assert admin.get(f"/data/projects/{pid}/budgets/{MISSING}/entries").status_code == 404
    assert admin.delete(f"/data/projects/{pid}/budgets/{MISSING}").status_code == 404
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(base).status_code == 403
        assert outsider.post(f"{base}/entries", json={}).status_code in (400, 403)


def test_schedules_by_object_and_versions(system, admin, show):
    pid, layout = show["project"]["id"], show["layout"]["id"]
    for kind, names in (
        ("episodes", ["E01"]),
        ("sequences", ["SQ01"]),
        ("edits", []),
        ("asset-types", []),
    ):
        items = admin.get(f"/data/projects/{pid}/schedule-items/{layout}/{kind}")
        assert items.status_code == 200, items.text
        assert [i["name"] for i in items.json()] == names, kind
    again = admin.get(f"/data/projects/{pid}/schedule-items/{layout}/sequences").json()
    assert again[0]["object_id"] == show["seq"]["id"]
    assert admin.get(f"/data/projects/{pid}/schedule-items/").status_code == 200
    version = admin.post(
        "/data/production-schedule-versions", json={"name": f"h14-v-{tag()}", "project_id": pid}
    )
    assert version.status_code == 201, version.text
    vid = version.json()["id"]
    filled = admin.post(
        f"/actions/production-schedule-versions/{vid}/set-task-links-from-production"
    )
    assert filled.json() == {"success": True, "task_link_count": 1}
    links = admin.get(
        f"/data/production-schedule-versions/{vid}/task-links", params={"relations": "true"}
    )
    assert [(link["task_id"], link["assignees"]) for link in links.json()] == [
        (show["task"]["id"], [])
    ]
    other = admin.post(
        "/data/production-schedule-versions", json={"name": f"h14-w-{tag()}", "project_id": pid}
    ).json()
    copied = admin.post(
        f"/actions/production-schedule-versions/{other['id']}/set-task-links-from-production-schedule-version",
        json={"production_schedule_version_id": vid},
    )
    assert copied.json() == {"success": True, "task_link_count": 1}
    with EventListener(system.nats_url, system.subject(">")) as events:
        applied = admin.post(f"/actions/production-schedule-versions/{vid}/apply-to-production")
        assert applied.json() == {"success": True, "task_count": 1}
        events.wait_for(
            lambda e: e["name"] == "task:update" and e["data"]["task_id"] == show["task"]["id"]
        )
    assert admin.get(f"/data/production-schedule-versions/{vid}").json()["locked"] is True


def test_schedules_refuse_bad_input(system, admin, show):
    pid, layout = show["project"]["id"], show["layout"]["id"]
    assert admin.get(f"/data/projects/{pid}/schedule-items/nope/episodes").status_code == 400
    assert (
        admin.get(
            f"/data/projects/{pid}/schedule-items/{layout}/episodes", params={"episode_id": "x"}
        ).status_code
        == 400
    )
    assert admin.get(f"/data/projects/{MISSING}/schedule-items/{layout}/edits").status_code == 404
    assert admin.get(f"/data/production-schedule-versions/{MISSING}/task-links").status_code == 404
    assert admin.get("/data/production-schedule-versions/nope/task-links").status_code == 400
    assert (
        admin.post(
            f"/actions/production-schedule-versions/{MISSING}/apply-to-production"
        ).status_code
        == 404
    )
    assert (
        admin.post(
            f"/actions/production-schedule-versions/{MISSING}/set-task-links-from-production"
        ).status_code
        == 404
    )
    version = admin.post(
        "/data/production-schedule-versions", json={"name": f"h14-x-{tag()}", "project_id": pid}
    ).json()
    action = "set-task-links-from-production-schedule-version"
    path = f"/actions/production-schedule-versions/{version['id']}/{action}"
    assert admin.post(path, json={}).status_code == 400
    assert (
        admin.post(path, json={"production_schedule_version_id": version["id"]}).status_code == 400
    )
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert (
            outsider.get(f"/data/projects/{pid}/schedule-items/{layout}/episodes").status_code
            == 403
        )
        assert outsider.post(
            path, json={"production_schedule_version_id": MISSING}
        ).status_code in (403, 404)


def test_softwares_statuses_time_and_days_off(system, admin, show):
    pid, layout, software = show["project"]["id"], show["layout"]["id"], show["software"]["id"]
    path = f"/data/projects/{pid}/task-types/{layout}/softwares"
    linked = admin.post(path, json={"software_id": software})
    assert linked.status_code == 201, linked.text
    assert linked.json() == {"project_id": pid, "task_type_id": layout, "software_id": software}
    assert admin.get(f"/data/projects/{pid}/task-type-softwares").json() == [linked.json()]
    assert admin.delete(f"{path}/{software}").status_code == 204
    assert admin.get(f"/data/projects/{pid}/task-type-softwares").json() == []
    status = show["status"]["id"]
    allowed = admin.put(
        f"/data/projects/{pid}/settings/task-status/{status}", json={"is_client_allowed": False}
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["is_client_allowed"] is False
    assert admin.get(f"/data/projects/{pid}/time-spents").json() == []
    assert admin.get(f"/data/projects/{pid}/task-types/{layout}/time-spents").json() == {}
    assert admin.get(f"/data/projects/{pid}/day-offs").json() == {}


def test_softwares_statuses_time_and_days_off_refuse_bad_input(system, admin, show):
    pid, layout = show["project"]["id"], show["layout"]["id"]
    path = f"/data/projects/{pid}/task-types/{layout}/softwares"
    assert admin.post(path, json={}).status_code == 400
    assert admin.post(path, json={"software_id": "x"}).json()["message"] == (
        "task_type_id and software_id must be valid UUIDs."
    )
    assert admin.post(path, json={"software_id": MISSING}).status_code == 404
    anim = admin.get("/data/task-types").json()[-1]["id"]
    not_in = admin.post(
        f"/data/projects/{pid}/task-types/{anim}/softwares",
        json={"software_id": show["software"]["id"]},
    )
    assert not_in.status_code in (400, 404)
    status = f"/data/projects/{pid}/settings/task-status/{show['status']['id']}"
    assert admin.put(status, json={}).status_code == 400
    assert admin.put(status, json={"is_client_allowed": "yes"}).status_code == 400
    assert (
        admin.put(
            f"/data/projects/{pid}/settings/task-status/{MISSING}", json={"is_client_allowed": None}
        ).status_code
        == 404
    )
    assert (
        admin.get(
            f"/data/projects/{pid}/task-types/{layout}/time-spents", params={"start_date": "x"}
        ).status_code
        == 400
    )
    assert (
        admin.get(f"/data/projects/{pid}/day-offs", params={"end_date": "2031-13-45"}).status_code
        == 400
    )
    assert admin.get(f"/data/projects/{MISSING}/time-spents").status_code == 404
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(f"/data/projects/{pid}/task-type-softwares").status_code == 403
        assert outsider.get(f"/data/projects/{pid}/day-offs").status_code == 403
        assert outsider.post(path, json={"software_id": show["software"]["id"]}).status_code == 403
