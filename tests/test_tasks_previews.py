"""Preview records through the day: a supervisor adds revisions to comments, picks the
entity's thumbnail, reorders and annotates; admins list a production's previews."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import asset_task, first


@pytest.fixture(scope="module")
def review(system, admin_token):
    with system.client(admin_token) as admin:
        r = type("Review", (), {})()
        r.admin = admin
        r.project, r.asset, task = asset_task(admin, "prev")
        r.tasks = [task]
        r.wfa = first(admin, "/data/task-status", short_name="wfa")
        yield r


def test_revisions_thumbnail_order_and_annotations(system, review):
    admin, task = review.admin, review.tasks[0]
    url = f"/actions/tasks/{task['id']}"
    c1 = admin.post(f"{url}/comment", json={"task_status_id": review.wfa["id"], "comment": "v1"})
    c1 = c1.json()
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        p1 = admin.post(f"{url}/comments/{c1['id']}/add-preview", json={})
        assert p1.status_code == 201, p1.text
        p1 = p1.json()
        assert (p1["revision"], p1["position"], p1["status"]) == (1, 1, "processing")
        assert p1["comments"] == [c1["id"]] and p1["type"] == "PreviewFile"
        events.wait_for(
            lambda e: (
                e["name"] == "preview-file:new"
                and e["data"] == {**e["data"], "preview_file_id": p1["id"], "comment_id": c1["id"]}
            )
        )
        # A second file on the same comment is the same revision, next position.
        p2 = admin.post(f"{url}/comments/{c1['id']}/preview-files/{p1['id']}").json()
        assert (p2["revision"], p2["position"]) == (1, 2)
        c2 = admin.post(
            f"{url}/comment", json={"task_status_id": review.wfa["id"], "comment": "v2"}
        ).json()
        p3 = admin.post(f"{url}/comments/{c2['id']}/add-preview", json={}).json()
        assert p3["revision"] == 2
        taken = admin.post(f"{url}/comments/{c2['id']}/add-preview", json={"revision": 1})
        assert taken.status_code == 201  # the comment already has revision 2: next position

        main = admin.put(f"{url}/set-main-preview")
        assert main.status_code == 200, main.text
        assert main.json()["preview_file_id"] == p3["id"]
        assert main.json()["preview_file_status"] == "processing"
        assert main.json()["type"] == "Entity"
        events.wait_for(
            lambda e: (
                e["name"] == "preview-file:set-main"
                and e["data"]["entity_id"] == review.asset["id"]
            )
        )
        events.wait_for(lambda e: e["name"] == "asset:update")

    picked = admin.put(f"/actions/preview-files/{p1['id']}/set-main-preview", json={})
    assert picked.json()["preview_file_id"] == p1["id"]
    many = admin.put("/actions/tasks/set-main-preview", json={"task_ids": [task["id"]]})
    assert [e["preview_file_id"] for e in many.json()] == [p3["id"]]

    order = admin.put(f"/actions/preview-files/{p2['id']}/update-position", json={"position": 1})
    assert [p["id"] for p in order.json()][:2] == [p2["id"], p1["id"]]
    assert [p["position"] for p in order.json()] == [1, 2, 3]

    drawn = admin.put(
        f"/actions/preview-files/{p1['id']}/update-annotations",
        json={"additions": [{"time": 0, "drawing": {"objects": [{"type": "path"}]}}]},
    )
    assert drawn.status_code == 200, drawn.text
    objects = drawn.json()["annotations"][0]["drawing"]["objects"]
    assert objects[0]["id"]
    cleared = admin.put(
        f"/actions/preview-files/{p1['id']}/update-annotations",
        json={"deletions": [{"time": 0, "objects": [objects[0]["id"]]}]},
    )
    assert cleared.json()["annotations"] == []

    listed = admin.get(f"/data/tasks/{task['id']}/previews").json()
    assert [p["revision"] for p in listed] == [2, 1, 1, 1]
    pages = admin.get(f"/data/projects/{review.project['id']}/preview-files", params={"page": 1})
    assert pages.json()["total"] == 4 and pages.json()["page"] == 1
    assert len(admin.get(f"/data/projects/{review.project['id']}/preview-files").json()) == 4
    assert admin.get(f"/data/projects/{review.project['id']}/subscriptions").json() == []
    assert admin.get(f"/data/projects/{review.project['id']}/notifications").json() == []

    gone = admin.delete(f"{url}/comments/{c1['id']}/preview-files/{p2['id']}")
    assert gone.status_code == 204
    assert p2["id"] not in {p["id"] for p in admin.get(f"/data/tasks/{task['id']}/previews").json()}

    dates = admin.get("/data/persons/task-dates")
    assert dates.status_code == 200 and isinstance(dates.json(), list)


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("put", "/actions/tasks/set-main-preview", {"task_ids": []}, 400),
        ("put", "/actions/tasks/set-main-preview", {"task_ids": ["x"]}, 400),
        ("put", "/actions/tasks/set-main-preview", {}, 400),
        ("put", "/actions/preview-files/nope/update-position", {"position": 1}, 400),
        ("put", "/actions/preview-files/{zero}/update-position", {"position": 1}, 404),
        ("get", "/data/persons/task-dates?project_id=bad", None, 400),
        ("get", "/data/projects/{zero}/notifications", None, 404),
        ("get", "/data/projects/{project}/preview-files?page=x", None, 400),
    ],
)
def test_bad_input(review, method, path, body, status):
    zero = "00000000-0000-0000-0000-000000000000"
    path = path.format(zero=zero, project=review.project["id"])
    kwargs = {"json": body} if body is not None else {}
    response = getattr(review.admin, method)(path, **kwargs)
    assert response.status_code == status, response.text
    assert "message" in response.json()


def test_add_preview_bad_revision(review):
    task = review.tasks[0]
    c = review.admin.post(
        f"/actions/tasks/{task['id']}/comment",
        json={"task_status_id": review.wfa["id"], "comment": "x"},
    ).json()
    for revision in (-1, "x"):
        response = review.admin.post(
            f"/actions/tasks/{task['id']}/comments/{c['id']}/add-preview",
            json={"revision": revision},
        )
        assert response.status_code == 400
        assert response.json()["data"]["errors"][0]["field"] == "revision"
    missing = review.admin.post(
        f"/actions/tasks/{task['id']}/comments/00000000-0000-0000-0000-000000000000/add-preview",
        json={},
    )
    assert missing.status_code == 404
