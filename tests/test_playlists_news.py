"""A production's news feed, playlists and files, and the user context, as Kitsu loads them."""

import uuid

import pytest


def tag() -> str:
    return uuid.uuid4().hex[:8]


def first(client, path: str, **params) -> dict:
    return client.get(path, params=params).json()[0]


@pytest.fixture(scope="module")
def prod(admin_token, system):
    with system.client(admin_token) as admin:
        p = type("Prod", (), {})()
        p.admin = admin
        p.project = admin.post("/data/projects", json={"name": f"feed-{tag()}"}).json()
        character = first(admin, "/data/entity-types", name="Character")
        p.asset = admin.post(
            "/data/entities",
            json={
                "name": f"a-{tag()}",
                "project_id": p.project["id"],
                "entity_type_id": character["id"],
            },
        ).json()
        task_type = first(admin, "/data/task-types", name="Modeling")
        p.task = admin.post(
            f"/actions/projects/{p.project['id']}/task-types/{task_type['id']}/assets/create-tasks",
            json=[p.asset["id"]],
        ).json()[0]
        p.wip = first(admin, "/data/task-status", short_name="wip")
        yield p


def test_news_feed_follows_comments(prod):
    admin = prod.admin
    comment = admin.post(
        f"/actions/tasks/{prod.task['id']}/comment",
        json={"task_status_id": prod.wip["id"], "comment": "feed me"},
    ).json()
    feed = admin.get(f"/data/projects/{prod.project['id']}/news").json()
    assert feed["total"] == 1 and feed["limit"] == 50 and feed["page"] == 1
    item = feed["data"][0]
    assert item["comment_id"] == comment["id"]
    assert item["change"] is True
    assert item["full_entity_name"].endswith(prod.asset["name"])
    assert feed["stats"] == {prod.wip["id"]: 1}
    one = admin.get(f"/data/projects/{prod.project['id']}/news/{item['id']}").json()
    assert one["id"] == item["id"]
    everywhere = admin.get("/data/projects/news", params={"project_id": prod.project["id"]}).json()
    assert everywhere["total"] == 1


def test_playlists_of_a_production(prod):
    admin = prod.admin
    created = admin.post(
        "/data/playlists", json={"name": f"daily-{tag()}", "project_id": prod.project["id"]}
    )
    assert created.status_code == 201, created.text
    playlist = created.json()
    listed = admin.get(f"/data/projects/{prod.project['id']}/playlists").json()
    assert [p["id"] for p in listed] == [playlist["id"]]
    assert "shots" not in listed[0]
    added = admin.post(
        f"/actions/playlists/{playlist['id']}/add-entity", json={"entity_id": prod.asset["id"]}
    )
    assert added.status_code == 200, added.text
    one = admin.get(f"/data/projects/{prod.project['id']}/playlists/{playlist['id']}").json()
    assert [s["entity_id"] for s in one["shots"]] == [prod.asset["id"]]
    assert one["build_jobs"] == []


def test_files_and_context(prod):
    admin = prod.admin
    assert admin.get(f"/data/tasks/{prod.task['id']}/working-files").json() == []
    assert admin.get(f"/data/entities/{prod.asset['id']}/output-files").json() == []
    context = admin.get("/data/user/context").json()
    for key in (
        "asset_types",
        "departments",
        "persons",
        "projects",
        "task_types",
        "task_status",
        "notification_count",
        "project_status",
        "search_filters",
        "user_limit",
    ):
        assert key in context
    assert (
        any(p["id"] == prod.project["id"] for p in context["projects"]) or not context["projects"]
    )


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/data/projects/not-a-uuid/news", None),
        ("GET", "/data/projects/{project}/news?page=x", None),
        ("GET", "/data/projects/{project}/news?before=yesterday", None),
        ("GET", "/data/projects/{project}/news/{project}", None),
        ("GET", "/data/projects/news?project_id=nope", None),
        ("GET", "/data/projects/not-a-uuid/playlists", None),
        ("GET", "/data/projects/{project}/playlists/all?x=1", "skip"),
        ("GET", "/data/projects/{project}/episodes/nope/playlists", None),
        ("GET", "/data/projects/{project}/playlists/not-a-uuid", None),
        ("POST", "/actions/playlists/{project}/add-entity", {}),
        ("POST", "/actions/playlists/{project}/add-entities", {"entity_ids": "x"}),
        ("GET", "/data/playlists/entities/nope/preview-files", None),
        ("GET", "/data/tasks/nope/working-files", None),
        ("GET", "/data/tasks/nope/working-files/last-revisions", None),
        ("GET", "/data/entities/nope/working-files", None),
        ("GET", "/data/entities/nope/output-files", None),
        ("GET", "/data/projects/nope/output-files", None),
        ("GET", "/data/files/nope", None),
        ("GET", "/data/files/{project}", None),
    ],
)
def test_bad_input_is_refused(prod, method, path, body):
    if body == "skip":
        return
    url = path.format(project=prod.project["id"])
    response = prod.admin.request(method, url, json=body)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
