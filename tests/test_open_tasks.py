"""A production manager's task pool: every open task of a production with its entity and
status labels, the totals, filters by person, type and dates, and pages."""

import uuid

import pytest

# The keys of one task of Zou 1.0.97's answer.
ZOU_KEYS = set(
    """
    assignees assigner_id completion_rate created_at data description difficulty done_date
    due_date duration end_date entity_canceled entity_data entity_description entity_id
    entity_name entity_preview_file_id entity_source_id entity_type_name episode_id
    episode_name estimation id last_comment_date last_preview_file_id name nb_assets_ready
    nb_drawings priority project_has_avatar project_id project_name real_start_date
    retake_count sequence_name shotgun_id sort_order start_date status_color status_name
    status_short_name task_status_id task_type_for_entity task_type_id type type_color
    type_name updated_at
    """.split()
)


def tag() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def pool(admin_token, system):
    with system.client(admin_token) as admin:
        d = type("Pool", (), {})()
        d.admin = admin
        d.me = admin.get("/auth/authenticated").json()["user"]
        d.pid = pid = admin.post("/data/projects", json={"name": f"h17-Open {tag()}"}).json()["id"]
        char = admin.get("/data/entity-types", params={"name": "Character"}).json()[0]
        asset = admin.post(
            f"/data/projects/{pid}/asset-types/{char['id']}/assets/new", json={"name": "Bob"}
        ).json()
        seq = admin.post(f"/data/projects/{pid}/sequences", json={"name": "SQ1"}).json()
        shot = admin.post(
            f"/data/projects/{pid}/shots", json={"name": "SH1", "sequence_id": seq["id"]}
        ).json()
        d.modeling = admin.get("/data/task-types", params={"name": "Modeling"}).json()[0]
        anim = admin.get("/data/task-types", params={"name": "Animation"}).json()[0]
        d.model_task = admin.post(
            f"/actions/projects/{pid}/task-types/{d.modeling['id']}/assets/create-tasks",
            json=[asset["id"]],
        ).json()[0]
        d.anim_task = admin.post(
            f"/actions/projects/{pid}/task-types/{anim['id']}/shots/create-tasks",
            json=[shot["id"]],
        ).json()[0]
        admin.put(
            f"/data/tasks/{d.model_task['id']}",
            json={"estimation": 3, "duration": 2, "start_date": "2026-03-02"},
        )
        admin.put(f"/actions/tasks/{d.anim_task['id']}/assign", json={"person_id": d.me["id"]})
        yield d


def test_the_pool_of_a_production(pool):
    answer = pool.admin.get("/data/tasks/open-tasks", params={"project_id": pool.pid})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # Shots come before assets: tasks sort by episode then sequence, empty ones last.
    shot_task, asset_task = body["data"]
    assert set(shot_task) == ZOU_KEYS
    assert shot_task["id"] == pool.anim_task["id"] and asset_task["id"] == pool.model_task["id"]
    assert shot_task["entity_name"] == "SH1" and shot_task["sequence_name"] == "SQ1"
    assert shot_task["episode_id"] == "" and shot_task["episode_name"] is None
    assert shot_task["assignees"] == [pool.me["id"]] and shot_task["type_name"] == "Animation"
    assert asset_task["entity_type_name"] == "Character" and asset_task["type_name"] == "Modeling"
    assert asset_task["status_short_name"] == "todo" and asset_task["entity_preview_file_id"] == ""
    assert asset_task["task_type_for_entity"] == "Asset" and asset_task["type"] == "Task"
    todo = asset_task["task_status_id"]
    assert body["stats"] == {
        "total_duration": 2.0,
        "total_estimation": 3.0,
        "total": 2,
        "status": [{"task_status_id": todo, "amount": 2}],
    }
    assert (body["limit"], body["is_more"], body["page"]) == (100, False, 1)


def test_filters_and_pages(pool):
    def get(**params):
        answer = pool.admin.get("/data/tasks/open-tasks", params={"project_id": pool.pid, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def ids(body):
        return [t["id"] for t in body["data"]]

    assert ids(get(person_id="unassigned")) == [pool.model_task["id"]]
    assert ids(get(person_id=pool.me["id"])) == [pool.anim_task["id"]]
    assert ids(get(task_type_id=pool.modeling["id"])) == [pool.model_task["id"]]
    assert ids(get(start_date="2026-03-01")) == [pool.model_task["id"]]
    first, second = get(limit=1, page=1), get(limit=1, page=2)
    assert ids(first) == [pool.anim_task["id"]] and first["is_more"] is True
    # Zou counts what is left after the page's offset.
    assert ids(second) == [pool.model_task["id"]] and second["stats"]["total"] == 1
    assert second["is_more"] is False and second["page"] == 2
    beyond = get(limit=1, page=3)
    assert beyond["data"] == [] and beyond["stats"]["total"] == 0
    assert get(limit=0)["limit"] == 1
    open_pool = pool.admin.get("/data/tasks/open-tasks", params={"limit": 1000}).json()
    assert pool.model_task["id"] in ids(open_pool)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "x"}, "Wrong value for parameter page."),
        ({"limit": "many"}, "Wrong value for parameter limit."),
        ({"project_id": "x"}, "Wrong UUID format."),
        ({"person_id": "x"}, "Wrong UUID format."),
        ({"task_status_id": "x"}, "Wrong UUID format."),
        ({"start_date": "x"}, None),
        ({"priority": "high"}, "Wrong value for parameter priority."),
    ],
)
def test_bad_input_is_refused(pool, params, message):
    answer = pool.admin.get("/data/tasks/open-tasks", params=params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] is True
    if message:
        assert answer.json()["message"] == message
