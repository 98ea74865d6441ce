"""A studio keeps its production settings as a template and starts a new show from it."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def studio(system, admin_token):
    with system.client(admin_token) as admin:
        task_types = {
            (t["name"], t["for_entity"]): t["id"] for t in admin.get("/data/task-types").json()
        }
        statuses = {s["short_name"]: s["id"] for s in admin.get("/data/task-status").json()}
        asset_types = {a["name"]: a["id"] for a in admin.get("/data/entity-types").json()}
        template = admin.post("/data/project-templates", json={"name": f"h14-tpl-{tag()}"})
        assert template.status_code == 201, template.text
        source = admin.post("/data/projects", json={"name": f"h14-src-{tag()}", "fps": "24"})
        pid = source.json()["id"]
        linked = admin.post(
            f"/data/projects/{pid}/settings/task-types",
            json={"task_type_id": task_types[("Layout", "Shot")]},
        )
        assert linked.status_code == 201, linked.text
        admin.post(
            f"/data/projects/{pid}/settings/asset-types",
            json={"asset_type_id": asset_types["Prop"]},
        )
        admin.post(
            f"/data/projects/{pid}/metadata-descriptors",
            json={"name": "Difficulty level", "entity_type": "Shot", "data_type": "string"},
        )
        return {
            "template": template.json(),
            "source": source.json(),
            "layout": task_types[("Layout", "Shot")],
            "anim": task_types[("Animation", "Shot")],
            "todo": statuses["todo"],
            "prop": asset_types["Prop"],
        }


def test_template_settings_are_linked_listed_and_reordered(system, admin, studio):
    tid = studio["template"]["id"]
    base = f"/data/project-templates/{tid}"
    with EventListener(system.nats_url, system.subject(">")) as events:
        link = admin.post(
            f"{base}/task-types", json={"task_type_id": studio["layout"], "priority": 2}
        )
        assert link.status_code == 201, link.text
        assert (link.json()["type"], link.json()["priority"]) == ("ProjectTemplateTaskTypeLink", 2)
        events.wait_for(
            lambda e: (
                e["name"] == "project-template:update" and e["data"]["project_template_id"] == tid
            )
        )
    admin.post(f"{base}/task-types", json={"task_type_id": studio["anim"]})
    status = admin.post(f"{base}/task-statuses", json={"task_status_id": studio["todo"]})
    assert status.json()["type"] == "ProjectTemplateTaskStatusLink"
    assert "vendor" in status.json()["roles_for_board"]
    prop = admin.post(f"{base}/asset-types", json={"asset_type_id": studio["prop"]})
    assert prop.json() == {"id": studio["prop"], "name": "Prop"}
    assert admin.get(f"{base}/asset-types").json() == [{"id": studio["prop"], "name": "Prop"}]
    listed = admin.get(f"{base}/task-types").json()
    assert [(t["id"], t["priority"]) for t in listed] == [
        (studio["anim"], None),
        (studio["layout"], 2),
    ]
    statuses = admin.get(f"{base}/task-statuses").json()
    assert [(s["id"], s["link_is_client_allowed"]) for s in statuses] == [(studio["todo"], None)]
    reordered = admin.post(
        f"/actions/project-templates/{tid}/task-types/reorder",
        json={"task_type_ids": [studio["layout"], studio["anim"]]},
    )
    assert [(r["task_type_id"], r["priority"]) for r in reordered.json()] == [
        (studio["layout"], 1),
        (studio["anim"], 2),
    ]
    assert (
        admin.post(
            f"/actions/project-templates/{tid}/task-statuses/reorder",
            json={"task_status_ids": [studio["todo"]]},
        ).json()[0]["priority"]
        == 1
    )
    assert admin.get(f"{base}/status-automations").json() == []
    assert admin.get(f"{base}/preview-background-files").json() == []
    assert admin.delete(f"{base}/task-types/{studio['anim']}").status_code == 204
    assert admin.delete(f"{base}/asset-types/{studio['prop']}").status_code == 204
    assert admin.delete(f"{base}/task-statuses/{studio['todo']}").status_code == 204
    assert admin.delete(f"{base}/status-automations/{MISSING}").status_code == 204
    assert admin.delete(f"{base}/preview-background-files/{MISSING}").status_code == 204
    assert [t["id"] for t in admin.get(f"{base}/task-types").json()] == [studio["layout"]]
    described = admin.put(
        f"{base}/metadata-descriptors",
        json={"metadata_descriptors": [{"name": "Camera Lens", "entity_type": "Shot"}]},
    )
    assert described.json()["metadata_descriptors"][0]["field_name"] == "camera_lens"
    cleared = admin.put(f"{base}/default-preview-background-file", json={})
    assert cleared.json()["default_preview_background_file_id"] is None


def test_a_project_becomes_a_template_applied_to_another(system, admin, studio):
    source = studio["source"]
    made = admin.post(
        f"/data/project-templates/from-project/{source['id']}", json={"name": f"h14-snap-{tag()}"}
    )
    assert made.status_code == 201, made.text
    snap = made.json()
    assert (snap["type"], snap["fps"]) == ("ProjectTemplate", "24")
    assert [d["field_name"] for d in snap["metadata_descriptors"]] == ["difficulty_level"]
    tid = snap["id"]
    assert [t["id"] for t in admin.get(f"/data/project-templates/{tid}/task-types").json()] == [
        studio["layout"]
    ]
    target = admin.post("/data/projects", json={"name": f"h14-new-{tag()}"}).json()
    with EventListener(system.nats_url, system.subject(">")) as events:
        applied = admin.post(f"/data/projects/{target['id']}/apply-template/{tid}")
        assert applied.status_code == 200, applied.text
        events.wait_for(lambda e: e["name"] == "project:update" and e["project_id"] == target["id"])
    assert applied.json()["fps"] == "24"
    assert [t["id"] for t in admin.get(f"/data/projects/{target['id']}/task-types").json()] == [
        studio["layout"]
    ]
    assert [a["id"] for a in admin.get(f"/data/projects/{target['id']}/asset-types").json()] == [
        studio["prop"]
    ]
    descriptors = admin.get(f"/data/projects/{target['id']}/metadata-descriptors").json()
    assert [d["field_name"] for d in descriptors] == ["difficulty_level"]


def test_templates_refuse_bad_input_unknown_ids_and_non_admins(system, admin, studio):
    tid = studio["template"]["id"]
    base = f"/data/project-templates/{tid}"
    bad = admin.post(f"{base}/asset-types", json={"asset_type_id": "nope"})
    assert bad.status_code == 400
    assert bad.json()["message"] == "asset_type_id is required and must be a valid UUID"
    unknown = admin.post(f"{base}/asset-types", json={"asset_type_id": MISSING})
    assert unknown.json()["message"] == f"Asset type {MISSING} does not exist"
    assert admin.post(f"{base}/task-types", json={}).status_code == 400
    assert (
        admin.post(
            f"{base}/task-types", json={"task_type_id": studio["layout"], "priority": "x"}
        ).status_code
        == 400
    )
    assert (
        admin.post(
            f"{base}/task-statuses", json={"task_status_id": studio["todo"], "roles_for_board": "x"}
        ).status_code
        == 400
    )
    assert (
        admin.post(f"{base}/status-automations", json={"status_automation_id": 3}).status_code
        == 400
    )
    assert admin.post(f"{base}/preview-background-files", json={}).status_code == 400
    assert admin.get(f"/data/project-templates/{MISSING}/task-types").status_code == 404
    assert admin.get("/data/project-templates/nope/task-statuses").status_code == 404
    assert admin.delete(f"{base}/asset-types/nope").status_code == 400
    not_linked = admin.put(
        f"{base}/default-preview-background-file",
        json={"default_preview_background_file_id": MISSING},
    )
    assert not_linked.status_code == 400
    assert (
        admin.put(f"{base}/metadata-descriptors", json={"metadata_descriptors": "x"}).status_code
        == 400
    )
    assert admin.put(f"{base}/metadata-descriptors", json=[1]).status_code == 400
    assert (
        admin.post(f"/actions/project-templates/{tid}/task-types/reorder", json={}).status_code
        == 400
    )
    assert (
        admin.post(
            f"/actions/project-templates/{tid}/task-statuses/reorder",
            json={"task_status_ids": ["x"]},
        ).status_code
        == 400
    )
    assert (
        admin.post(
            f"/data/project-templates/from-project/{studio['source']['id']}", json={}
        ).status_code
        == 400
    )
    assert (
        admin.post(
            f"/data/project-templates/from-project/{MISSING}", json={"name": "x"}
        ).status_code
        == 404
    )
    assert admin.post(f"/data/projects/{MISSING}/apply-template/{tid}").status_code == 404
    assert (
        admin.post(f"/data/projects/{studio['source']['id']}/apply-template/{MISSING}").status_code
        == 404
    )
    _, token = person_token(system, admin, role="manager")
    with system.client(token) as manager:
        assert manager.get(f"{base}/task-types").status_code == 200
        assert (
            manager.post(f"{base}/asset-types", json={"asset_type_id": studio["prop"]}).status_code
            == 403
        )
        assert (
            manager.post(
                f"/data/projects/{studio['source']['id']}/apply-template/{tid}"
            ).status_code
            == 403
        )
    _, token = person_token(system, admin)
    with system.client(token) as artist:
        assert artist.get(f"{base}/task-types").status_code == 403
