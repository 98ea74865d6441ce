"""A production exports its shots sheet: one line per shot with its frames, metadata
columns and, per task type, the status and who is on it."""

import csv
import io
import uuid

import pytest

from tests.support.studio import first, make, person, tag


def sheet(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text), delimiter=";"))


@pytest.fixture(scope="module")
def show(system, admin_token):
    with system.client(admin_token) as admin:
        s = type("Show", (), {})()
        s.admin = admin
        s.tag = tag()
        s.project = make(admin, "/data/projects", {"name": f"Shots Export {s.tag}"})
        pid = s.project["id"]
        s.ann, s.ann_client = person(system, admin, "user", first_name="Ann", last_name="Lee")
        s.bob, s.bob_client = person(system, admin, "user", first_name="Bob", last_name="Ray")
        s.client, s.client_client = person(system, admin, "client")
        s.vendor, s.vendor_client = person(system, admin, "vendor")
        s.outsider, s.outsider_client = person(system, admin, "user")
        for member in (s.ann, s.bob, s.client, s.vendor):
            added = admin.post(f"/data/projects/{pid}/team", json={"person_id": member["id"]})
            assert added.status_code in (200, 201), added.text
        descriptors = f"/data/projects/{pid}/metadata-descriptors"
        for body in (
            {"name": "Lens", "entity_type": "Shot"},
            {"name": "Rig OK", "entity_type": "Shot", "data_type": "boolean"},
            {"name": "Asset only", "entity_type": "Asset"},
        ):
            made = admin.post(descriptors, json=body)
            assert made.status_code == 201, made.text
        types = {
            name: first(admin, "/data/entity-types", name=name)["id"]
            for name in ("Episode", "Sequence", "Shot", "Character")
        }

        def entity(kind, name, parent=None, **extra):
            return make(
                admin,
                "/data/entities",
                {
                    "name": name,
                    "project_id": pid,
                    "entity_type_id": types[kind],
                    "parent_id": parent["id"] if parent else None,
                    **extra,
                },
            )

        s.episode = entity("Episode", "E01")
        sq01 = entity("Sequence", "SQ01")
        sq10 = entity("Sequence", "SQ10", s.episode)
        s.sh020 = entity("Shot", "SH020", sq01)
        s.sh010 = entity(
            "Shot",
            "SH010",
            sq01,
            description="Hero jumps",
            nb_frames=48,
            data={"frame_in": 101, "frame_out": 148, "fps": "24", "lens": "35mm", "rig_ok": "True"},
        )
        s.sh100 = entity("Shot", "SH100", sq10)
        entity("Shot", "LOOSE")  # outside any sequence: not listed, as in Zou
        entity("Character", "Hero")
        s.task_types = {
            name: first(admin, "/data/task-types", name=name) for name in ("Animation", "Layout")
        }
        status = {n: first(admin, "/data/task-status", short_name=n) for n in ("todo", "wfa")}

        def task(shot, task_type, assignees=()):
            return make(
                admin,
                "/data/tasks",
                {
                    "name": "main",
                    "project_id": pid,
                    "entity_id": shot["id"],
                    "task_type_id": s.task_types[task_type]["id"],
                    "task_status_id": status["todo"]["id"],
                    "assignees": [a["id"] for a in assignees],
                },
            )

        animation = task(s.sh010, "Animation", (s.ann, s.bob))
        task(s.sh010, "Layout")
        task(s.sh100, "Animation")
        for who in (s.ann, s.bob):
            logged = admin.post(
                f"/actions/tasks/{animation['id']}/time-spents/2024-03-04/persons/{who['id']}",
                json={"duration": 240},
            )
            assert logged.status_code in (200, 201), logged.text
        said = admin.post(
            f"/actions/tasks/{animation['id']}/comment",
            json={"task_status_id": status["wfa"]["id"], "comment": "ready"},
        )
        assert said.status_code == 201, said.text
        s.path = f"/export/csv/projects/{pid}/shots.csv"
        yield s
        for client in (s.ann_client, s.bob_client, s.client_client, s.vendor_client):
            client.close()
        s.outsider_client.close()


def task_type_columns(show) -> list[str]:
    ordered = sorted(show.task_types.values(), key=lambda t: (t["priority"], t["name"]))
    return [t["name"] for t in ordered]


def test_shots_sheet_lists_shots_with_metadata_and_task_columns(show):
    response = show.admin.get(show.path)
    rows = sheet(response)
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=kitsu_shots_export_{show.tag}_shots.csv"
    )
    columns = task_type_columns(show)
    expected_header = [
        "Project",
        "Episode",
        "Sequence",
        "Name",
        "Description",
        "Time Spent",
        "Frames",
        "Frame In",
        "Frame Out",
        "FPS",
        "Lens",
        "Rig OK",
    ]
    for column in columns:
        expected_header += [column, "Assignations"]
    assert rows[0] == expected_header
    # Shots without an episode first, then by sequence and name.
    assert [r[1:4] for r in rows[1:]] == [
        ["", "SQ01", "SH010"],
        ["", "SQ01", "SH020"],
        ["E01", "SQ10", "SH100"],
    ]
    name = show.project["name"]
    sh010 = dict(zip(rows[0][:12], rows[1][:12], strict=True))
    assert sh010 == {
        "Project": name,
        "Episode": "",
        "Sequence": "SQ01",
        "Name": "SH010",
        "Description": "Hero jumps",
        "Time Spent": "1.00",  # 480 minutes are one day of eight hours
        "Frames": "48",
        "Frame In": "101",
        "Frame Out": "148",
        "FPS": "24",
        "Lens": "35mm",
        "Rig OK": "true",
    }
    tasks = rows[1][12:]
    animation = columns.index("Animation") * 2
    assert tasks[animation] == "wfa"
    assert sorted(tasks[animation + 1].split(",")) == ["Ann Lee", "Bob Ray"]
    layout = columns.index("Layout") * 2
    assert tasks[layout : layout + 2] == ["todo", ""]
    assert (
        rows[2] == [name, "", "SQ01", "SH020", "", "0.00", "", "", "", "", "", "false"] + [""] * 4
    )
    sh100 = rows[3][12:]
    assert sh100[animation : animation + 2] == ["todo", ""] and sh100[layout] == ""


def test_shots_sheet_filters_and_fresh_shots(show):
    only_episode = sheet(show.admin.get(show.path, params={"episode_id": show.episode["id"]}))
    assert [r[3] for r in only_episode[1:]] == ["SH100"]
    # Task type columns come from the listed shots' tasks only.
    assert only_episode[0][12:] == ["Animation", "Assignations"]
    assert len(sheet(show.admin.get(show.path, params={"episode_id": "all"}))) == 4
    one = sheet(show.admin.get(show.path, params={"id": show.sh020["id"]}))
    assert [r[3] for r in one[1:]] == ["SH020"] and one[0][12:] == []
    # A shot made a moment ago is in the next export.
    sequence = show.admin.get(f"/data/entities/{show.sh010['parent_id']}").json()
    made = make(
        show.admin,
        "/data/entities",
        {
            "name": "SH030",
            "project_id": show.project["id"],
            "entity_type_id": show.sh010["entity_type_id"],
            "parent_id": sequence["id"],
        },
    )
    names = [r[3] for r in sheet(show.admin.get(show.path))[1:]]
    assert "SH030" in names
    assert show.admin.delete(f"/data/entities/{made['id']}").status_code in (200, 204)


def test_who_may_export_shots(show, anonymous):
    assert len(sheet(show.ann_client.get(show.path))) == 4
    # A client reads the sheet without who works on it nor the time logged.
    rows = sheet(show.client_client.get(show.path))
    columns = task_type_columns(show)
    animation = 12 + columns.index("Animation") * 2
    assert rows[1][5] == "0.00" and rows[1][animation : animation + 2] == ["wfa", ""]
    for refused in (show.vendor_client.get(show.path), show.outsider_client.get(show.path)):
        assert refused.status_code == 403 and refused.json()["error"] is True
    assert anonymous.get(show.path).status_code == 401


def test_shots_export_refuses_bad_input(show):
    for project in (str(uuid.uuid4()), "not-a-uuid"):
        missing = show.admin.get(f"/export/csv/projects/{project}/shots.csv")
        assert missing.status_code == 404 and missing.json()["error"] is True
    bad = show.admin.get(show.path, params={"id": "nope"})
    assert bad.status_code == 400
    assert bad.json() == {
        "error": True,
        "message": "Invalid UUID format for id: nope",
        "data": None,
    }
    bad = show.admin.get(show.path, params={"episode_id": "nope"})
    assert bad.status_code == 400 and bad.json()["message"].endswith("episode_id: nope")
