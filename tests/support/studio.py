"""Making a studio's data over HTTP, as the tests' users would."""

import time
import uuid

PASSWORD = "studio-pass-4242"


def tag(n: int = 8) -> str:
    return uuid.uuid4().hex[:n]


def make(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body)
    assert response.status_code == 201, (path, response.text)
    return response.json()


def first(client, path: str, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()[0]


def person_token(system, admin, role: str = "user", **extra) -> tuple[dict, str]:
    """A new person of this role, given a password by an admin and logged in."""
    suffix = tag()
    created = make(
        admin,
        "/data/persons",
        {
            "first_name": role.title(),
            "last_name": f"Person{suffix}",
            "email": f"{role}.{suffix}@example.com",
            "role": role,
            **extra,
        },
    )
    changed = admin.post(
        f"/actions/persons/{created['id']}/change-password",
        json={"password": PASSWORD, "password_2": PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    return created, system.login(created["email"], PASSWORD)


def person(system, admin, role: str = "user", **extra) -> tuple[dict, object]:
    """A new person of this role and an HTTP client logged in as them."""
    created, token = person_token(system, admin, role, **extra)
    return created, system.client(token)


def asset_task(admin, prefix: str) -> tuple[dict, dict, dict]:
    """A new production with one Character asset and its Modeling task:
    (project, asset, task)."""
    project = make(admin, "/data/projects", {"name": f"{prefix}-{tag()}"})
    character = first(admin, "/data/entity-types", name="Character")
    modeling = first(admin, "/data/task-types", name="Modeling")
    asset = make(
        admin,
        "/data/entities",
        {"name": f"a-{tag()}", "project_id": project["id"], "entity_type_id": character["id"]},
    )
    created = admin.post(
        f"/actions/projects/{project['id']}/task-types/{modeling['id']}/create-tasks/assets",
        json=[asset["id"]],
    )
    assert created.status_code == 201, created.text
    return project, asset, created.json()[0]


def eventually(check, timeout: float):
    """check()'s first truthy answer within `timeout` seconds (read models follow events
    a moment later), else its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)
