"""Reports of a studio's month: the time-spent day table, quota shots of an artist, the
tasks export and the presence sheet, built by reporting from data's events."""

import csv
import io
import uuid

import pytest

from tests.support.studio import eventually, first, make, person, tag


@pytest.fixture(scope="module")
def month(system, admin_token):
    """A production with one shot worked by an artist in March 2024."""
    with system.client(admin_token) as admin:
        m = type("Month", (), {})()
        m.admin = admin
        m.project = make(admin, "/data/projects", {"name": f"rep-{tag()}"})
        m.artist, m.artist_client = person(system, admin, "user")
        sequence_type = first(admin, "/data/entity-types", name="Sequence")
        shot_type = first(admin, "/data/entity-types", name="Shot")
        m.sequence = make(
            admin,
            "/data/entities",
            {"name": "SQ01", "project_id": m.project["id"], "entity_type_id": sequence_type["id"]},
        )
        m.shot = make(
            admin,
            "/data/entities",
            {
                "name": "SH010",
                "project_id": m.project["id"],
                "entity_type_id": shot_type["id"],
                "parent_id": m.sequence["id"],
                "nb_frames": 48,
            },
        )
        m.task_type = first(admin, "/data/task-types", name="Animation")
        status = first(admin, "/data/task-status", short_name="wfa")
        m.task = make(
            admin,
            "/data/tasks",
            {
                "name": "main",
                "project_id": m.project["id"],
                "entity_id": m.shot["id"],
                "task_type_id": m.task_type["id"],
                "task_status_id": status["id"],
                "assignees": [m.artist["id"]],
                "duration": 240,
                "real_start_date": "2024-03-04T09:00:00",
                "end_date": "2024-03-06T17:00:00",
            },
        )
        m.time_spents = [
            make(
                admin,
                "/data/time-spents",
                {
                    "task_id": m.task["id"],
                    "person_id": m.artist["id"],
                    "date": date,
                    "duration": minutes,
                },
            )
            for date, minutes in (("2024-03-04", 120), ("2024-03-05", 120))
        ]
        yield m
        m.artist_client.close()


def test_day_table_sums_minutes_per_day_and_person(month):
    def table():
        found = month.admin.get("/data/persons/time-spents/day-table/2024/03").json()
        return found if found.get("5", {}).get(month.artist["id"]) == 120 else None

    found = eventually(table, 8.0)
    assert found, month.admin.get("/data/persons/time-spents/day-table/2024/03").text
    assert found["4"][month.artist["id"]] == 120
    # The artist sees only their own line; other months are empty.
    mine = month.artist_client.get("/data/persons/time-spents/day-table/2024/3").json()
    assert set(mine["4"]) == {month.artist["id"]}
    assert month.admin.get("/data/persons/time-spents/day-table/1999/1").json() == {}
    weeks = month.admin.get("/data/persons/time-spents/week-table/2024").json()
    assert weeks["10"][month.artist["id"]] == 240


def test_day_table_refuses_bad_dates(month):
    for path in ("2024/13", "2024/ab", "abcd/1"):
        response = month.admin.get(f"/data/persons/time-spents/day-table/{path}")
        assert response.status_code == 400
        assert response.json()["message"] == "Invalid month or year."
    assert month.admin.get("/data/persons/time-spents/week-table/xx").status_code == 400


def test_quota_shots_of_the_month(month):
    artist_id = month.artist["id"]
    path = f"/data/persons/{artist_id}/quota-shots/month/2024/3"

    def shots():
        return month.admin.get(path).json() or None

    found = eventually(shots, 8.0)
    assert found, month.admin.get(path).text
    [shot] = found
    assert shot["id"] == month.shot["id"] and shot["full_name"] == "SQ01 / SH010"
    assert shot["weight"] == 1.0 and shot["nb_frames"] == 48
    assert month.admin.get(f"/data/persons/{artist_id}/quota-shots/month/2024/4").json() == []
    raw = month.artist_client.get(path, params={"count_mode": "feedback"}).json()
    assert [s["weight"] for s in raw] == [1]
    assert month.admin.get(path, params={"count_mode": "done"}).json() == []


def test_quota_shots_refuse_bad_input(month, system):
    artist_id = month.artist["id"]
    admin = month.admin
    bad = admin.get(f"/data/persons/{artist_id}/quota-shots/month/2024/13")
    assert bad.status_code == 400 and bad.json()["message"] == "Invalid month or year."
    bad = admin.get(f"/data/persons/{artist_id}/quota-shots/month/2024/3?count_mode=x")
    assert bad.status_code == 400
    assert admin.get(f"/data/persons/{uuid.uuid4()}/quota-shots/month/2024/3").status_code == 404
    assert admin.get("/data/persons/nope/quota-shots/month/2024/3").status_code in (400, 404)
    other, other_client = person(system, admin, "user")
    with other_client:
        response = other_client.get(f"/data/persons/{artist_id}/quota-shots/month/2024/3")
        assert response.status_code == 403 and response.json()["error"] is True


def test_tasks_export_lists_open_productions_tasks(month):
    def line():
        response = month.admin.get("/export/csv/tasks.csv")
        rows = list(csv.reader(io.StringIO(response.text), delimiter=";"))
        return [r for r in rows if r and r[0] == month.project["name"]] or None

    rows = eventually(line, 8.0)
    assert rows, month.admin.get("/export/csv/tasks.csv").text[:500]
    [row] = rows
    artist = f"{month.artist['first_name']} {month.artist['last_name']}"
    assert row[:6] == [month.project["name"], "Animation", "", "SQ01", "Shot", "SH010"]
    assert row[7] == artist and row[8] == "240.0"
    assert row[12:14] == ["2024-03-04", "2024-03-06"]
    response = month.admin.get("/export/csv/tasks.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "kitsu_tasks_export.csv" in response.headers["content-disposition"]
    header = response.text.splitlines()[0]
    assert header.startswith("Project;Task Type;Episode;Sequence;Entity Type;Entity;Assigner")
    assert month.artist_client.get("/export/csv/tasks.csv").status_code == 403


def test_presence_logs_sheet(month):
    response = month.admin.get("/data/persons/presence-logs/2024-02")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text), delimiter=";"))
    assert rows[0] == ["2024", *[str(d) for d in range(1, 30)]]
    artist = f"{month.artist['first_name']} {month.artist['last_name']}"
    assert [artist, *[""] * 29] in rows
    for bad in ("2024-13", "march", "2024"):
        response = month.admin.get(f"/data/persons/presence-logs/{bad}")
        assert response.status_code == 400 and response.json()["error"] is True
    assert month.artist_client.get("/data/persons/presence-logs/2024-02").status_code == 403
