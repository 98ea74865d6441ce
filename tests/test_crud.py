"""The generic `/data/<model>` resources, through the gateway, as gazu and Kitsu use them."""

import uuid

import pytest

from tests.support.events import EventListener


def tag(n: int = 8) -> str:
    return uuid.uuid4().hex[:n]


class Studio:
    """Parents every model needs, created once over HTTP."""

    def __init__(self, client, admin_id: str):
        self.c = client
        self.admin_id = admin_id

    def make(self, path: str, body: dict) -> dict:
        response = self.c.post(f"/data/{path}", json=body)
        assert response.status_code == 201, (path, response.text)
        return response.json()

    def first(self, path: str, **params) -> dict:
        response = self.c.get(f"/data/{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()[0]


@pytest.fixture(scope="module")
def studio(system, admin_token):
    with system.client(admin_token) as client:
        me = client.get("/data/persons", params={"email": "admin@example.com"}).json()[0]
        s = Studio(client, me["id"])
        s.department = s.make("departments", {"name": f"crud-dept-{tag()}", "color": "#123456"})
        s.project = s.make("projects", {"name": f"crud-project-{tag()}"})
        s.character = s.first("entity-types", name="Character")
        s.task_type = s.first("task-types", name="Modeling")
        s.todo = s.first("task-status", short_name="todo")
        s.asset = s.make(
            "entities",
            {
                "name": f"asset-{tag()}",
                "project_id": s.project["id"],
                "entity_type_id": s.character["id"],
            },
        )
        s.asset2 = s.make(
            "entities",
            {
                "name": f"asset-{tag()}",
                "project_id": s.project["id"],
                "entity_type_id": s.character["id"],
            },
        )
        s.task = s.make(
            "tasks",
            {
                "name": "main",
                "project_id": s.project["id"],
                "task_type_id": s.task_type["id"],
                "task_status_id": s.todo["id"],
                "entity_id": s.asset["id"],
            },
        )
        s.file_status = s.make("file-status", {"name": f"fs-{tag()}", "color": "#000000"})
        s.budget = s.make("budgets", {"project_id": s.project["id"], "name": "b"})
        s.chat = s.make("chats", {"object_id": s.asset["id"]})
        s.schedule = s.make(
            "production-schedule-versions", {"name": f"v-{tag()}", "project_id": s.project["id"]}
        )
        yield s


@pytest.fixture(scope="module")
def events(system):
    with EventListener(system.nats_url, system.subject(">")) as listener:
        yield listener


# path, body builder, update, event prefix, id key (None: <table>_id)
def bodies(s: Studio) -> dict:
    project, task, asset = s.project["id"], s.task["id"], s.asset["id"]
    return {
        "departments": ({"name": f"d-{tag()}", "color": "#112233"}, {"color": "#445566"}),
        "studios": ({"name": f"st-{tag()}", "color": "#112233"}, {"color": "#445566"}),
        "project-status": ({"name": f"ps-{tag()}", "color": "#112233"}, {"color": "#445566"}),
        "file-status": ({"name": f"fs-{tag()}", "color": "#112233"}, {"color": "#445566"}),
        "task-status": (
            {"name": f"ts-{tag()}", "short_name": tag(), "color": "#112233"},
            {"is_done": True},
        ),
        "task-types": ({"name": f"tt-{tag()}"}, {"priority": 3}),
        "entity-types": ({"name": f"et-{tag()}"}, {"short_name": "et"}),
        "output-types": ({"name": f"ot-{tag()}", "short_name": "ot"}, {"short_name": "o2"}),
        "softwares": (
            {"name": f"sw-{tag()}", "short_name": "sw", "file_extension": ".sw"},
            {"version": "2"},
        ),
        "hardware-items": ({"name": f"hw-{tag()}", "short_name": "hw"}, {"monthly_cost": 3}),
        "custom-actions": ({"name": f"ca-{tag()}", "url": "http://x"}, {"is_ajax": True}),
        "preview-background-files": ({"name": f"bg-{tag()}"}, {"archived": True}),
        "plugins": (
            {
                "plugin_id": f"p-{tag()}",
                "name": "p",
                "version": "1",
                "maintainer_name": "m",
                "license": "MIT",
            },
            {"version": "2"},
        ),
        "organisations": ({"name": f"org-{tag()}"}, {"hours_by_day": 7.5}),
        "persons": (
            {"first_name": "Ann", "last_name": tag(), "email": f"{tag()}@example.com"},
            {"phone": "123"},
        ),
        "projects": ({"name": f"p-{tag()}"}, {"fps": "24"}),
        "project-templates": ({"name": f"pt-{tag()}"}, {"fps": "24"}),
        "status-automations": ({"entity_type": "asset"}, {"archived": True}),
        "entities": (
            {"name": f"a-{tag()}", "project_id": project, "entity_type_id": s.character["id"]},
            {"description": "d"},
        ),
        "tasks": (
            {
                "name": f"t-{tag()}",
                "project_id": project,
                "task_type_id": s.task_type["id"],
                "task_status_id": s.todo["id"],
                "entity_id": asset,
            },
            {"priority": 2},
        ),
        "comments": (
            {
                "object_id": task,
                "object_type": "Task",
                "person_id": s.admin_id,
                "task_status_id": s.todo["id"],
                "text": "hello",
            },
            {"text": "edited"},
        ),
        "time-spents": (
            {"task_id": task, "person_id": s.admin_id, "date": "2024-01-02", "duration": 60},
            {"duration": 30},
        ),
        "day-offs": (
            {
                "person_id": s.admin_id,
                "date": f"20{10 + int(tag(2), 16) % 80}-03-04",
                "end_date": "2099-01-01",
            },
            {"description": "off"},
        ),
        "milestones": ({"name": "m", "project_id": project, "date": "2024-05-05"}, {"name": "n"}),
        "schedule-items": (
            {
                "project_id": project,
                "task_type_id": s.task_type["id"],
                "object_id": str(uuid.uuid4()),
            },
            {"man_days": 3},
        ),
        "budgets": ({"project_id": project, "name": "b"}, {"currency": "EUR"}),
        "budget-entries": (
            {
                "budget_id": s.budget["id"],
                "department_id": s.department["id"],
                "start_date": "2024-01-01",
                "months_duration": 2,
                "daily_salary": 100,
            },
            {"months_duration": 3},
        ),
        "chats": ({"object_id": str(uuid.uuid4())}, {"object_type": "entity"}),
        "chat-messages": (
            {"chat_id": s.chat["id"], "person_id": s.admin_id, "text": "hi"},
            {"text": "ho"},
        ),
        "entity-links": (
            {"entity_in_id": s.asset2["id"], "entity_out_id": asset},
            {"nb_occurences": 2},
        ),
        "asset-instances": ({"asset_id": asset, "name": "i", "number": 1}, {"number": 2}),
        "metadata-descriptors": (
            {
                "project_id": project,
                "entity_type": "Asset",
                "name": f"md-{tag()}",
                "field_name": f"f{tag()}",
                "data_type": "string",
            },
            {"for_client": True},
        ),
        "news": ({"author_id": s.admin_id, "task_id": task}, {"change": True}),
        "notifications": (
            {
                "type": "comment",
                "person_id": s.admin_id,
                "author_id": s.admin_id,
                "task_id": task,
                "reply_id": str(uuid.uuid4()),
            },
            {"read": True},
        ),
        "output-files": (
            {
                "name": f"of-{tag()}",
                "revision": 1,
                "file_status_id": s.file_status["id"],
                "entity_id": asset,
            },
            {"size": 5},
        ),
        "playlists": ({"name": f"pl-{tag()}", "project_id": project}, {"for_client": True}),
        "preview-files": ({"name": f"pf-{tag()}", "task_id": task}, {"position": 2}),
        "production-schedule-versions": (
            {"name": f"v-{tag()}", "project_id": project},
            {"locked": True},
        ),
        "production-schedule-version-task-links": (
            {"production_schedule_version_id": s.schedule["id"], "task_id": task},
            {"estimation": 2.5},
        ),
        "search-filters": ({"list_type": "asset", "person_id": s.admin_id}, {"name": "x"}),
        "search-filter-groups": ({"list_type": "asset", "person_id": s.admin_id}, {"name": "x"}),
        "subscriptions": (
            {
                "person_id": s.admin_id,
                "task_type_id": s.task_type["id"],
                "entity_id": str(s.asset2["id"]),
            },
            {},
        ),
        "working-files": (
            {"name": f"wf-{tag()}", "task_id": task, "entity_id": asset, "revision": 1},
            {"comment": "c"},
        ),
        "events": ({"name": "crud:test"}, {"name": "crud:test2"}),
        "attachment-files": (
            {"name": f"a-{tag()}.png", "extension": "png", "mimetype": "image/png"},
            {"size": 42},
        ),
    }


EVENT_PREFIX = {"entity-types": ("asset-type", "asset_type_id"), "entities": ("asset", "asset_id")}
MODELS = [
    "departments", "studios", "project-status", "file-status", "task-status", "task-types",
    "entity-types", "output-types", "softwares", "hardware-items", "custom-actions",
    "preview-background-files", "plugins", "organisations", "persons", "projects",
    "project-templates", "status-automations", "entities", "tasks", "comments", "time-spents",
    "day-offs", "milestones", "schedule-items", "budgets", "budget-entries", "chats",
    "chat-messages", "entity-links", "asset-instances", "metadata-descriptors", "news",
    "notifications", "output-files", "playlists", "preview-files",
    "production-schedule-versions", "production-schedule-version-task-links",
    "search-filters", "search-filter-groups", "subscriptions", "working-files", "events",
    "attachment-files",
]  # fmt: skip


def event_name(path: str) -> tuple[str, str]:
    if path in EVENT_PREFIX:
        return EVENT_PREFIX[path]
    singular = {
        "project-status": "project-status",
        "file-status": "file-status",
        "task-status": "task-status",
        "news": "news",
        "events": "api-event",
        "entities": "asset",
    }.get(path)
    if singular is None:
        singular = path[:-3] + "y" if path.endswith("ies") else path[:-1]
    return singular, singular.replace("-", "_") + "_id"


@pytest.mark.parametrize("path", MODELS)
def test_admin_lifecycle(path, admin, studio, events):
    body, change = bodies(studio)[path]
    created = admin.post(f"/data/{path}/", json=body)
    assert created.status_code == 201, created.text
    row = created.json()
    row_id = row["id"]
    assert isinstance(row_id, str) and "type" in row
    assert "created_at" in row and "." not in row["created_at"]

    listed = admin.get(f"/data/{path}", params={"id": row_id})
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()] == [row_id]
    page = admin.get(f"/data/{path}", params={"page": 1, "limit": 1, "id": f'["{row_id}"]'})
    assert page.json()["total"] == 1 and page.json()["data"][0]["id"] == row_id
    assert set(page.json()) == {"data", "total", "nb_pages", "limit", "offset", "page"}

    fetched = admin.get(f"/data/{path}/{row_id}")
    assert fetched.status_code == 200 and fetched.json()["id"] == row_id

    updated = admin.put(f"/data/{path}/{row_id}", json=change)
    assert updated.status_code == 200, updated.text
    for key, value in change.items():
        assert updated.json()[key] == value

    deleted = admin.delete(f"/data/{path}/{row_id}")
    assert deleted.status_code == 204, deleted.text
    assert admin.get(f"/data/{path}/{row_id}").status_code == 404

    prefix, key = event_name(path)
    for action in ("new", "update", "delete"):
        name = f"{prefix}:{action}"
        events.wait_for(lambda e, name=name: e["name"] == name and e["data"].get(key) == row_id)
