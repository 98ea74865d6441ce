"""Comments with files: the attachment records are kept with the comment and listed per
task and per production, in Zou's shapes."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import asset_task, first


@pytest.fixture(scope="module")
def shot(system, admin_token):
    with system.client(admin_token) as admin:
        s = type("Shot", (), {})()
        s.admin = admin
        s.project, _, s.task = asset_task(admin, "files")
        s.wip = first(admin, "/data/task-status", short_name="wip")
        yield s


def test_comment_with_files_records_attachments(system, shot):
    admin, task = shot.admin, shot.task
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        response = admin.post(
            f"/actions/tasks/{task['id']}/comment",
            data={"task_status_id": shot.wip["id"], "comment": "see notes"},
            files=[
                ("file", ("notes.TXT", b"hello!", "text/plain")),
                ("file2", ("ref.png", b"\x89PNG....", "image/png")),
            ],
        )
        assert response.status_code == 201, response.text
        posted = response.json()
        files = sorted(posted["attachment_files"], key=lambda f: f["name"])
        assert [(f["name"], f["extension"], f["size"]) for f in files] == [
            ("notes.TXT", "txt", 6),
            ("ref.png", "png", 8),
        ]
        assert set(files[0]) == {"id", "name", "extension", "size"}
        events.wait_for(
            lambda e: (
                e["name"] == "attachment-file:new"
                and e["data"]["attachment_file_id"] == files[0]["id"]
                and e["project_id"] == shot.project["id"]
            )
        )

    listed = admin.get(f"/data/tasks/{task['id']}/attachment-files").json()
    assert {f["id"] for f in listed} == {f["id"] for f in files}
    one = next(f for f in listed if f["id"] == files[0]["id"])
    assert one["mimetype"] == "text/plain" and one["type"] == "AttachmentFile"
    assert one["comment"]["id"] == posted["id"] and one["chat_message"] is None
    project_files = admin.get(f"/data/projects/{shot.project['id']}/attachment-files").json()
    assert {f["id"] for f in project_files} >= {f["id"] for f in files}
    comments = admin.get(f"/data/tasks/{task['id']}/comments").json()
    shown = next(c for c in comments if c["id"] == posted["id"])["attachment_files"]
    assert {f["id"] for f in shown} == {f["id"] for f in files}
    assert all(f["reply_id"] is None for f in shown)
    assert admin.get(f"/data/attachment-files/{files[1]['id']}").json()["size"] == 8

    # A reply may carry files too; they are tied to the reply.
    reply = admin.post(
        f"/data/tasks/{task['id']}/comments/{posted['id']}/reply",
        data={"text": "and this"},
        files=[("file", ("more.pdf", b"%PDF", "application/pdf"))],
    )
    assert reply.status_code == 200, reply.text
    reply = reply.json()
    assert reply["attachment_files"][0]["name"] == "more.pdf"
    shown = admin.get(f"/data/tasks/{task['id']}/comments/{posted['id']}").json()
    assert {f["reply_id"] for f in shown["attachment_files"]} == {None, reply["id"]}

    # Deleting the comment takes its records with it.
    assert admin.delete(f"/data/tasks/{task['id']}/comments/{posted['id']}").status_code == 204
    assert admin.get(f"/data/tasks/{task['id']}/attachment-files").json() == []


def test_attachment_lists_refuse_bad_ids(shot):
    admin = shot.admin
    assert admin.get("/data/tasks/not-an-id/attachment-files").status_code == 400
    missing = admin.get("/data/tasks/00000000-0000-0000-0000-000000000000/attachment-files")
    assert missing.status_code == 404
    assert admin.get("/data/projects/nope/attachment-files").status_code == 400
