"""Pictures through the gateway, as Kitsu and gazu load and upload them: avatars of
projects, persons and the organisation, and preview-file pictures with their variants."""

import io
import uuid

import pytest
from PIL import Image

from tests.support.events import EventListener
from tests.support.studio import tag

PASSWORD = "media-password-1"


def picture(width=640, height=360, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, fmt)
    return out.getvalue()


def opened(response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def upload(client, path, name="shot.png", content=None):
    return client.post(path, files={"file": (name, picture() if content is None else content)})


def not_found(response):
    assert response.status_code == 404, response.text
    assert response.json()["error"] is True


class Production:
    def __init__(self, client):
        self.c = client

    def make(self, path: str, body: dict) -> dict:
        response = self.c.post(f"/data/{path}", json=body)
        assert response.status_code == 201, (path, response.text)
        return response.json()

    def first(self, path: str, **params) -> dict:
        return self.c.get(f"/data/{path}", params=params).json()[0]

    def preview_file(self, revision=1) -> dict:
        return self.make(
            "preview-files", {"task_id": self.task["id"], "name": f"v{tag()}", "revision": revision}
        )


@pytest.fixture(scope="module")
def production(system, admin_token):
    with system.client(admin_token) as client:
        s = Production(client)
        s.project = s.make("projects", {"name": f"media-{tag()}"})
        s.asset = asset = s.make(
            "entities",
            {
                "name": f"asset-{tag()}",
                "project_id": s.project["id"],
                "entity_type_id": s.first("entity-types", name="Character")["id"],
            },
        )
        s.task = s.make(
            "tasks",
            {
                "name": "main",
                "project_id": s.project["id"],
                "entity_id": asset["id"],
                "task_type_id": s.first("task-types", name="Modeling")["id"],
                "task_status_id": s.first("task-status", short_name="todo")["id"],
            },
        )
        yield s


@pytest.fixture(scope="module")
def artist(system, admin_token):
    """A person of role user, in no production, logged in; None where persons cannot get
    a password yet."""
    with system.client(admin_token) as admin:
        email = f"media-{tag()}@example.com"
        created = admin.post(
            "/data/persons",
            json={"first_name": "Media", "last_name": tag(), "email": email, "role": "user"},
        )
        if created.status_code != 201:
            return None
        person = created.json()
        body = {"old_password": "-", "password": PASSWORD, "password_2": PASSWORD}
        changed = admin.post(f"/actions/persons/{person['id']}/change-password", json=body)
        if changed.status_code != 200:
            return None
    with system.client() as client:
        answer = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {**person, "token": answer.json()["access_token"]}


@pytest.fixture(scope="module")
def events(system):
    with EventListener(system.nats_url, system.subject(">")) as listener:
        yield listener


def test_project_thumbnail_uploaded_then_served(admin, production, events):
    project_id = production.project["id"]
    url = f"/pictures/thumbnails/projects/{project_id}"
    not_found(admin.get(f"{url}.png"))

    assert admin.post(url).json() == {"error": True, "message": "File not provided.", "data": None}
    other_part = admin.post(url, files={"other": ("a.png", picture())})
    assert other_part.status_code == 400
    garbage = upload(admin, url, content=b"not a picture")
    assert garbage.status_code == 400
    assert garbage.json()["message"] == "Uploaded file is not a readable picture."
    on_display_url = upload(admin, f"{url}.png")
    assert on_display_url.status_code == 405
    assert "without extension" in on_display_url.json()["message"]
    not_found(upload(admin, f"/pictures/thumbnails/projects/{uuid.uuid4()}"))
    not_found(admin.get("/pictures/thumbnails/projects/not-an-id.png"))

    created = upload(admin, url, "logo.jpg", picture(300, 100, "JPEG"))
    assert created.status_code == 201, created.text
    assert created.json() == {"thumbnail_path": f"pictures/thumbnails/projects/{project_id}.png"}

    served = admin.get(f"{url}.png")
    im = opened(served)
    assert (im.format, im.size, im.mode) == ("PNG", (400, 400), "RGBA")
    assert served.headers["cache-control"] == "max-age=604800, private"
    assert opened(admin.get(url)).size == (400, 400)
    again = admin.get(f"{url}.png", headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304

    assert admin.get(f"/data/projects/{project_id}").json()["has_avatar"] is True
    event = events.wait_for(lambda e: e.get("name") == "project:set-thumbnail")
    assert event["data"]["project_id"] == project_id


def test_person_avatar_set_and_cleared(admin, events):
    me = admin.get("/auth/authenticated").json()["user"]
    url = f"/pictures/thumbnails/persons/{me['id']}"
    not_found(upload(admin, f"/pictures/thumbnails/persons/{uuid.uuid4()}.png"))

    created = upload(admin, url, "me.png", picture(50, 80))
    assert created.status_code == 201, created.text
    im = opened(admin.get(f"{url}.png"))
    assert im.size == (400, 400)
    # The 50x80 picture is scaled up to fill the square's height, centred on transparency.
    assert im.getpixel((0, 200))[3] == 0 and im.getpixel((200, 200))[3] == 255
    assert admin.get(f"/data/persons/{me['id']}").json()["has_avatar"] is True
    events.wait_for(lambda e: e.get("name") == "person:set-thumbnail")

    cleared = admin.delete("/actions/user/clear-avatar")
    assert cleared.status_code == 204 and cleared.content == b""
    not_found(admin.get(f"{url}.png"))
    assert admin.get(f"/data/persons/{me['id']}").json()["has_avatar"] is False
    not_found(admin.delete(f"/actions/persons/{uuid.uuid4()}/clear-avatar"))
    not_found(admin.delete("/actions/persons/not-an-id/clear-avatar"))


def test_organisation_thumbnail(admin):
    organisation = admin.get("/data/organisations").json()[0]
    url = f"/pictures/thumbnails/organisations/{organisation['id']}.png"
    created = upload(admin, url, "studio.png", picture(300, 100))
    assert created.status_code == 201, created.text
    assert opened(admin.get(url)).size == (400, 400)
    assert admin.get("/data/organisations").json()[0]["has_avatar"] is True
    not_found(admin.get(f"/pictures/thumbnails/organisations/{uuid.uuid4()}.png"))


def test_picture_preview_uploaded_with_its_variants(admin, production, events):
    preview = production.preview_file()
    pid = preview["id"]
    waiting = admin.get(f"/pictures/thumbnails/preview-files/{pid}.png")
    assert waiting.status_code == 404
    assert waiting.json() == {"error": True, "message": "Preview file was not found."}
    told = admin.get(
        f"/pictures/thumbnails/preview-files/{pid}.png", headers={"Accept": "application/json"}
    )
    assert told.status_code == 202 and told.json()["status"] == "processing"

    url = f"/pictures/preview-files/{pid}"
    assert admin.post(url).json()["message"] == "File not provided."
    assert upload(admin, url, "shot.png", b"garbage").status_code == 400
    assert admin.get(f"/data/preview-files/{pid}").status_code == 200
    not_found(upload(admin, f"/pictures/preview-files/{uuid.uuid4()}"))

    created = upload(admin, url, "my.shot.JPG", picture(640, 360, "JPEG"))
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["id"] == pid and record["type"] == "PreviewFile"
    assert (record["extension"], record["status"], record["original_name"]) == (
        "png",
        "ready",
        "my.shot",
    )
    assert (record["width"], record["height"]) == (640, 360)
    sizes = {
        "thumbnails": (150, 100),
        "thumbnails-square": (100, 100),
        "previews": (1200, 675),
        "originals": (640, 360),
    }
    for variant, size in sizes.items():
        assert opened(admin.get(f"/pictures/{variant}/preview-files/{pid}.png")).size == size
    original = admin.get(f"/pictures/originals/preview-files/{pid}.png")
    assert len(original.content) == record["file_size"]

    assert admin.get(f"/data/preview-files/{pid}").json()["status"] == "ready"
    assert admin.get(f"/data/tasks/{production.task['id']}").json()["last_preview_file_id"] == pid
    event = events.wait_for(
        lambda e: (
            e.get("name") == "preview-file:update"
            and e["data"].get("preview_file_id") == pid
            and e["data"].get("status") == "ready"
        )
    )
    assert event["project_id"] == production.project["id"]

    download = admin.get(f"/pictures/originals/preview-files/{pid}/download")
    assert download.content == original.content
    project, asset = production.project["name"], production.asset["name"]
    expected = f"{project}_character_{asset}_modeling_v1.png".replace("-", "_")
    assert download.headers["content-disposition"] == f"attachment; filename={expected}"

    again = upload(admin, url)
    assert again.status_code == 400
    not_found(admin.get(f"/pictures/originals/preview-files/{pid}.jpg"))
    refused = admin.get(f"/pictures/originals/preview-files/{pid}.exe")
    assert refused.json() == {"error": True, "message": "Extension not allowed: exe", "data": None}


def test_preview_of_unknown_format_is_dropped(admin, production):
    pid = production.preview_file()["id"]
    refused = upload(admin, f"/pictures/preview-files/{pid}", "shot.exe", b"MZ")
    assert refused.json() == {
        "error": True,
        "message": "Wrong file format, extension: exe",
        "data": None,
    }
    not_found(admin.get(f"/data/preview-files/{pid}"))


def test_document_preview_served_as_uploaded(admin, production):
    pid = production.preview_file()["id"]
    content = b"%PDF-1.4 not much of a document"
    created = upload(admin, f"/pictures/preview-files/{pid}", "notes.pdf", content)
    assert created.status_code == 201, created.text
    assert (created.json()["extension"], created.json()["file_size"]) == ("pdf", len(content))
    served = admin.get(f"/pictures/originals/preview-files/{pid}.pdf")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/pdf"
    assert served.content == content


def test_big_upload_streams_through(admin, production):
    pid = production.preview_file()["id"]
    noise = Image.frombytes("RGB", (2000, 1500), uuid.uuid4().bytes * 562500)
    out = io.BytesIO()
    noise.save(out, "PNG")
    created = upload(admin, f"/pictures/preview-files/{pid}", "big.png", out.getvalue())
    assert created.status_code == 201, created.text
    assert opened(admin.get(f"/pictures/previews/preview-files/{pid}.png")).size == (1200, 900)


def test_artist_outside_production_is_refused(system, admin, production, artist):
    if artist is None:
        pytest.skip("persons cannot be given a password yet")
    project_id = production.project["id"]
    upload(admin, f"/pictures/thumbnails/projects/{project_id}")
    preview = production.preview_file()
    upload(admin, f"/pictures/preview-files/{preview['id']}")
    admin_id = admin.get("/auth/authenticated").json()["user"]["id"]
    organisation = admin.get("/data/organisations").json()[0]["id"]
    with system.client(artist["token"]) as client:
        url = f"/pictures/thumbnails/projects/{project_id}"
        assert client.get(f"{url}.png").status_code == 403
        assert upload(client, url).status_code == 403
        assert (
            upload(client, f"/pictures/thumbnails/organisations/{organisation}").status_code == 403
        )
        assert upload(client, f"/pictures/thumbnails/persons/{admin_id}").status_code == 403
        own = upload(client, f"/pictures/thumbnails/persons/{artist['id']}.png")
        assert own.status_code == 201, own.text
        assert client.delete(f"/actions/persons/{artist['id']}/clear-avatar").status_code == 403
        pictures = f"/pictures/thumbnails/preview-files/{preview['id']}.png"
        assert client.get(pictures).status_code == 403
        other = production.preview_file()
        assert upload(client, f"/pictures/preview-files/{other['id']}").status_code == 403


def test_anonymous_gets_no_picture(anonymous, production):
    answer = anonymous.get(f"/pictures/thumbnails/projects/{production.project['id']}.png")
    assert answer.status_code == 401
