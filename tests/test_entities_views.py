"""A lead opens an entity's news and linked entities, adds its tasks, syncs frame counts."""

import pytest

from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def film(system, admin_token):
    with system.client(admin_token) as admin:
        project = admin.post("/data/projects", json={"name": f"h14-ent-{tag()}"}).json()
        pid = project["id"]
        types = {t["name"]: t["id"] for t in admin.get("/data/entity-types").json()}
        task_types = {
            (t["name"], t["for_entity"]): t["id"] for t in admin.get("/data/task-types").json()
        }
        layout = task_types[("Layout", "Shot")]
        modeling = task_types[("Modeling", "Asset")]
        for tt in (layout, modeling):
            added = admin.post(
                f"/data/projects/{pid}/settings/task-types", json={"task_type_id": tt}
            )
            assert added.status_code == 201, added.text
        seq = admin.post(f"/data/projects/{pid}/sequences", json={"name": "SQ01"}).json()
        shot = admin.post(
            f"/data/projects/{pid}/shots", json={"name": "SH01", "sequence_id": seq["id"]}
        ).json()
        asset = admin.post(
            f"/data/projects/{pid}/asset-types/{types['Prop']}/assets/new", json={"name": "cup"}
        ).json()
        concept = admin.post(
            "/data/entities",
            json={"name": "look", "project_id": pid, "entity_type_id": types["Concept"]},
        ).json()
        linked = admin.put(
            f"/data/entities/{asset['id']}", json={"entity_concept_links": [concept["id"]]}
        )
        assert linked.status_code == 200, linked.text
        return {
            "project": project,
            "shot": shot,
            "asset": asset,
            "concept": concept,
            "layout": layout,
            "modeling": modeling,
        }


def test_tasks_are_created_for_an_entity(admin, film):
    shot, layout = film["shot"], film["layout"]
    created = admin.post(f"/data/entities/{shot['id']}/tasks", json={"task_type_ids": [layout]})
    assert created.status_code == 201, created.text
    assert [(t["entity_id"], t["task_type_id"], t["name"]) for t in created.json()] == [
        (shot["id"], layout, "main")
    ]
    # Asking again creates nothing: the shot already has its layout task.
    assert admin.post(f"/data/entities/{shot['id']}/tasks", json={}).json() == []
    defaults = admin.post(f"/data/entities/{film['asset']['id']}/tasks", json={})
    assert [t["task_type_id"] for t in defaults.json()] == [film["modeling"]]


def test_entity_task_creation_refuses_bad_input(system, admin, film):
    shot = film["shot"]["id"]
    wrong = admin.post(f"/data/entities/{shot}/tasks", json={"task_type_ids": "x"})
    assert wrong.status_code == 400 and "task_type_ids" in wrong.json()["message"]
    assert (
        admin.post(f"/data/entities/{shot}/tasks", json={"task_type_ids": ["x"]}).status_code == 400
    )
    mismatch = admin.post(
        f"/data/entities/{shot}/tasks", json={"task_type_ids": [film["modeling"]]}
    )
    assert mismatch.status_code == 400 and "Asset" in mismatch.json()["message"]
    unknown = admin.post(f"/data/entities/{shot}/tasks", json={"task_type_ids": [MISSING]})
    assert unknown.status_code == 404
    assert admin.post(f"/data/entities/{MISSING}/tasks", json={}).status_code == 404
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.post(f"/data/entities/{shot}/tasks", json={}).status_code == 403
        assert outsider.get(f"/data/entities/{shot}/news").status_code == 403


def test_concept_shows_linked_entities_with_tasks(admin, film):
    concept, asset = film["concept"], film["asset"]
    linked = admin.get(f"/data/entities/{concept['id']}/entities-linked/with-tasks")
    assert linked.status_code == 200, linked.text
    [item] = linked.json()
    assert (item["id"], item["type"], item["project_name"]) == (
        asset["id"],
        "Asset",
        film["project"]["name"],
    )
    assert item["entity_concept_links"] == [concept["id"]]
    assert isinstance(item["tasks"], list)
    assert admin.get("/data/entities/nope/entities-linked/with-tasks").status_code == 400
    assert admin.get(f"/data/entities/{MISSING}/entities-linked/with-tasks").status_code == 404


def test_entity_news_is_one_page(admin, film):
    news = admin.get(f"/data/entities/{film['shot']['id']}/news")
    assert news.status_code == 200, news.text
    assert news.json() == {
        "data": [],
        "total": 0,
        "nb_pages": 0,
        "limit": 2000,
        "offset": 0,
        "page": 1,
    }
    assert admin.get("/data/entities/nope/news").status_code == 400
    assert admin.get(f"/data/entities/{MISSING}/news").status_code == 404


def test_shot_frames_follow_the_latest_preview(system, admin, film):
    pid, shot, layout = film["project"]["id"], film["shot"], film["layout"]
    task = admin.get(f"/data/shots/{shot['id']}/tasks").json()
    if not task:
        admin.post(f"/data/entities/{shot['id']}/tasks", json={"task_type_ids": [layout]})
        task = admin.get(f"/data/shots/{shot['id']}/tasks").json()
    preview = admin.post(
        "/data/preview-files",
        json={"name": "v1", "revision": 1, "task_id": task[0]["id"], "duration": 2.0},
    )
    assert preview.status_code == 201, preview.text
    path = f"/actions/projects/{pid}/task-types/{layout}/set-shot-nb-frames"
    done = admin.post(path)
    assert done.status_code == 200, done.text
    assert done.json() == [{"id": shot["id"], "nb_frames": 50}]
    assert admin.get(f"/data/shots/{shot['id']}").json()["nb_frames"] == 50
    bad = admin.post(f"/actions/projects/{pid}/task-types/nope/set-shot-nb-frames")
    assert bad.json()["message"] == "Invalid project or task type id"
    assert admin.post(path, params={"episode_id": "x"}).status_code == 400
    assert (
        admin.post(
            f"/actions/projects/{MISSING}/task-types/{layout}/set-shot-nb-frames"
        ).status_code
        == 404
    )
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.post(path).status_code == 403
