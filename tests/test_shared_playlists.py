"""A supervisor shares a review playlist with a client who has no account: the manager
makes a link, the guest opens it, says who they are, comments and draws, and the
manager revokes the link afterwards."""

import uuid

import pytest

from tests.support.events import EventListener


def tag() -> str:
    return uuid.uuid4().hex[:8]


def first(client, path: str, **params) -> dict:
    return client.get(path, params=params).json()[0]


@pytest.fixture(scope="module")
def review(admin_token, system):
    with system.client(admin_token) as admin:
        r = type("Review", (), {})()
        r.admin = admin
        r.project = admin.post("/data/projects", json={"name": f"share-{tag()}"}).json()
        character = first(admin, "/data/entity-types", name="Character")
        r.asset = admin.post(
            "/data/entities",
            json={
                "name": f"hero-{tag()}",
                "project_id": r.project["id"],
                "entity_type_id": character["id"],
            },
        ).json()
        r.task_type = first(admin, "/data/task-types", name="Modeling")
        pid = r.project["id"]
        r.task = admin.post(
            f"/actions/projects/{pid}/task-types/{r.task_type['id']}/assets/create-tasks",
            json=[r.asset["id"]],
        ).json()[0]
        r.wfa = first(admin, "/data/task-status", short_name="wfa")
        r.retake = first(admin, "/data/task-status", short_name="retake")
        admin.post(
            f"/data/projects/{pid}/settings/task-types", json={"task_type_id": r.task_type["id"]}
        )
        admin.post(
            f"/data/projects/{pid}/settings/task-status", json={"task_status_id": r.retake["id"]}
        )
        comment = admin.post(
            f"/actions/tasks/{r.task['id']}/comment",
            json={"task_status_id": r.wfa["id"], "comment": "v1 for review"},
        ).json()
        r.preview = admin.post(
            f"/actions/tasks/{r.task['id']}/comments/{comment['id']}/add-preview", json={}
        ).json()
        r.playlist = admin.post(
            "/data/playlists", json={"name": f"client-{tag()}", "project_id": pid}
        ).json()
        admin.post(
            f"/actions/playlists/{r.playlist['id']}/add-entity",
            json={"entity_id": r.asset["id"], "preview_file_id": r.preview["id"]},
        )
        r.link = admin.post(f"/data/playlists/{r.playlist['id']}/share", json={}).json()
        yield r


def test_manager_creates_lists_and_revokes_links(review, anonymous):
    admin, plid = review.admin, review.playlist["id"]
    protected = admin.post(
        f"/data/playlists/{plid}/share",
        json={"password": "s3cret", "expiration_date": "2030-01-02", "can_comment": False},
    )
    assert protected.status_code == 201, protected.text
    link = protected.json()
    assert link["type"] == "PlaylistShareLink" and "password" not in link
    assert link["has_password"] is True and link["can_comment"] is False
    assert link["expiration_date"] == "2030-01-02T23:59:59"
    listed = admin.get(f"/data/playlists/{plid}/share").json()
    assert {x["token"] for x in listed} >= {link["token"], review.link["token"]}
    assert anonymous.get(f"/shared/playlists/{link['token']}").status_code == 404
    opened = anonymous.get(f"/shared/playlists/{link['token']}", params={"password": "s3cret"})
    assert opened.status_code == 200
    invited = admin.post(
        f"/data/playlists/{plid}/share/{link['token']}/invite", json={"emails": ["c@studio.com"]}
    )
    assert invited.json() == {"sent": ["c@studio.com"]}
    revoked = admin.delete(f"/data/playlists/{plid}/share/{link['token']}")
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    assert (
        anonymous.get(
            f"/shared/playlists/{link['token']}", params={"password": "s3cret"}
        ).status_code
        == 404
    )
    assert link["token"] not in {
        x["token"] for x in admin.get(f"/data/playlists/{plid}/share").json()
    }


def test_share_links_refuse_bad_input(review, anonymous):
    admin, plid = review.admin, review.playlist["id"]
    bad = admin.post(f"/data/playlists/{plid}/share", json={"expiration_date": "nope"})
    assert bad.status_code == 400 and bad.json()["message"] == "nope is not a valid ISO 8601 date"
    bad = admin.post(f"/data/playlists/{plid}/share", json={"can_comment": "x"})
    assert bad.status_code == 400 and bad.json()["data"]["errors"][0]["field"] == "can_comment"
    assert admin.post(f"/data/playlists/{plid}/share", json=[1]).status_code == 400
    assert admin.get(f"/data/playlists/{uuid.uuid4()}/share").status_code == 404
    assert admin.delete(f"/data/playlists/{plid}/share/nope").status_code == 404
    invite = f"/data/playlists/{plid}/share/{review.link['token']}/invite"
    assert admin.post(invite, json={"emails": ["nomail"]}).json() == {
        "error": "An email address must have an @-sign."
    }
    assert admin.post(invite, json={"person_ids": ["x"]}).status_code == 400
    assert admin.post(f"/data/playlists/{plid}/notify-clients", json=[]).status_code == 400
    assert (
        admin.post(f"/data/playlists/{plid}/notify-clients", json={"studio_id": "x"}).status_code
        == 400
    )
    temp = f"/data/projects/{review.project['id']}/playlists/temp"
    assert admin.post(temp, json={"task_ids": ["x"]}).status_code == 400
    assert admin.post(temp, json={"task_ids": [str(uuid.uuid4())]}).status_code == 404
    assert anonymous.get(f"/data/playlists/{plid}/share").status_code == 401


def test_notify_clients_and_temp_playlist(review):
    admin = review.admin
    done = admin.post(f"/data/playlists/{review.playlist['id']}/notify-clients", json={})
    assert done.json() == {"status": "success"}
    temp = admin.post(
        f"/data/projects/{review.project['id']}/playlists/temp",
        json={"task_ids": [review.task["id"]]},
    )
    assert temp.status_code == 200, temp.text
    [entry] = temp.json()
    assert entry["id"] == review.asset["id"] and entry["parent_name"] == "Character"
    assert entry["preview_file_id"] == review.preview["id"]
    assert list(entry["preview_files"]) == [review.task_type["id"]]
    by_entity = admin.post(
        f"/data/projects/{review.project['id']}/playlists/temp",
        json={"entity_ids": [review.asset["id"]]},
    ).json()
    # Only tasks whose preview was uploaded (last_preview_file_id set) stand for an entity.
    assert by_entity == []


def test_guest_reviews_through_the_link(review, anonymous, system):
    token = review.link["token"]
    page = anonymous.get(f"/shared/playlists/{token}")
    assert page.status_code == 200, page.text
    shared = page.json()
    assert shared["project_name"] == review.project["name"]
    [shot] = shared["shots"]
    assert shot["id"] == review.asset["id"] and shot["name"] == review.asset["name"]
    assert shot["parent_name"] == "Character" and shot["preview_files"] == {}
    assert shot["preview_file_task_id"] == review.task["id"]
    context = anonymous.get(f"/shared/playlists/{token}/context").json()
    assert context["project"]["team"] == []
    assert review.task_type["id"] in {t["id"] for t in context["task_types"]}
    [status] = context["task_statuses"]
    assert status["id"] == review.retake["id"] and status["is_client_allowed"] is True

    with EventListener(system.nats_url, system.subject(">")) as events:
        made = anonymous.post(f"/shared/playlists/{token}/guest", json={"first_name": "Cli"})
        assert made.status_code == 201, made.text
        guest = made.json()
        assert guest["is_guest"] is True and guest["role"] == "client"
        events.wait_for(
            lambda e: e["name"] == "person:new" and e["data"]["person_id"] == guest["id"]
        )
    again = anonymous.post(f"/shared/playlists/{token}/guest", json={"guest_id": guest["id"]})
    assert again.status_code == 200 and again.json()["id"] == guest["id"]

    posted = anonymous.post(
        f"/shared/playlists/{token}/comments",
        json={
            "guest_id": guest["id"],
            "task_id": review.task["id"],
            "task_status_id": review.retake["id"],
            "text": "darker please",
        },
    )
    assert posted.status_code == 201, posted.text
    comment = posted.json()
    listed = anonymous.get(f"/shared/playlists/{token}/comments").json()
    assert [c["id"] for c in listed] == [comment["id"]]
    assert listed[0]["person"]["is_guest"] is True
    task = review.admin.get(f"/data/tasks/{review.task['id']}").json()
    assert task["task_status_id"] == review.retake["id"]

    edited = anonymous.put(
        f"/shared/playlists/{token}/comments/{comment['id']}",
        json={"guest_id": guest["id"], "text": "much darker"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["text"] == "much darker"

    drawn = anonymous.put(
        f"/shared/playlists/{token}/annotations",
        json={
            "guest_id": guest["id"],
            "preview_file_id": review.preview["id"],
            "additions": [{"time": 0, "drawing": {"objects": [{"id": "o1", "type": "path"}]}}],
        },
    )
    assert drawn.status_code == 200, drawn.text

    stranger = str(uuid.uuid4())
    refused = anonymous.request(
        "DELETE", f"/shared/playlists/{token}/comments/{comment['id']}", json={"guest_id": stranger}
    )
    assert refused.status_code == 403 and refused.json() == {"error": "Forbidden"}
    removed = anonymous.request(
        "DELETE",
        f"/shared/playlists/{token}/comments/{comment['id']}",
        json={"guest_id": guest["id"]},
    )
    assert removed.status_code == 204
    assert anonymous.get(f"/shared/playlists/{token}/comments").json() == []
    task = review.admin.get(f"/data/tasks/{review.task['id']}").json()
    assert task["task_status_id"] == review.wfa["id"]


def test_guest_routes_refuse_bad_input(review, anonymous):
    token = review.link["token"]
    assert anonymous.get("/shared/playlists/nope").status_code == 404
    assert anonymous.get("/shared/playlists/nope/context").status_code == 404
    assert anonymous.get("/shared/playlists/nope/comments").status_code == 404
    bad = anonymous.post(f"/shared/playlists/{token}/guest", json={"guest_id": "bad"})
    assert bad.status_code == 400 and bad.json()["data"]["errors"][0]["field"] == "guest_id"
    assert anonymous.post(f"/shared/playlists/{token}/guest", json=[1]).status_code == 400
    missing = anonymous.post(f"/shared/playlists/{token}/comments", json={"text": "hi"})
    assert missing.status_code == 400
    assert missing.json()["data"]["errors"][0]["field"] == "guest_id"
    outsider = anonymous.post(
        f"/shared/playlists/{token}/comments",
        json={
            "guest_id": str(uuid.uuid4()),
            "task_id": review.task["id"],
            "task_status_id": review.wfa["id"],
        },
    )
    assert outsider.status_code == 403
    assert outsider.json() == {"error": "Guest not part of this shared playlist"}
    put = anonymous.put(f"/shared/playlists/{token}/comments/{uuid.uuid4()}", json={})
    assert put.status_code == 400
    delete = anonymous.request("DELETE", f"/shared/playlists/{token}/comments/x", json={})
    assert delete.status_code == 400
    drawn = anonymous.put(
        f"/shared/playlists/{token}/annotations", json={"guest_id": str(uuid.uuid4())}
    )
    assert drawn.status_code == 400
