"""Day offs as in Zou: ranges of one person's days that may not overlap, and that wipe
the hours logged inside them."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import asset_task, person


@pytest.fixture(scope="module")
def office(system, admin_token):
    with system.client(admin_token) as admin:
        o = type("Office", (), {})()
        o.admin = admin
        o.project, _, o.task = asset_task(admin, "off")
        o.artist, o.artist_client = person(system, admin, "user")
        o.other, o.other_client = person(system, admin, "user")
        response = admin.put(
            f"/actions/tasks/{o.task['id']}/assign", json={"person_id": o.artist["id"]}
        )
        assert response.status_code == 200, response.text
        yield o
        o.artist_client.close()
        o.other_client.close()


def test_day_off_wipes_logged_hours_and_refuses_overlaps(system, office):
    admin, artist = office.admin, office.artist_client
    me = office.artist["id"]
    base = f"/actions/tasks/{office.task['id']}/time-spents"
    for day in ("2026-04-06", "2026-04-08", "2026-04-10"):
        response = artist.post(f"{base}/{day}/persons/{me}", json={"duration": 60})
        assert response.status_code == 201, response.text
    assert admin.get(f"/data/tasks/{office.task['id']}").json()["duration"] == 180

    with EventListener(system.nats_url, system.subject("data.>")) as events:
        response = artist.post(
            "/data/day-offs",
            json={"person_id": me, "date": "2026-04-07", "end_date": "2026-04-09"},
        )
        assert response.status_code == 201, response.text
        day_off = response.json()
        assert day_off["end_date"] == "2026-04-09"
        events.wait_for(
            lambda e: e["name"] == "day-off:new" and e["data"]["day_off_id"] == day_off["id"]
        )
        events.wait_for(lambda e: e["name"] == "time-spent:delete")

    # Only the 8th was inside the range.
    left = sorted(
        t["date"] for t in admin.get("/data/time-spents", params={"person_id": me}).json()
    )
    assert left == ["2026-04-06", "2026-04-10"]
    assert admin.get(f"/data/tasks/{office.task['id']}").json()["duration"] == 120
    assert artist.get("/data/user/day-offs/2026-04-08").json()["id"] == day_off["id"]

    # Any overlap is refused, at either end or inside; the 400 names the problem.
    for start, end in (
        ("2026-04-05", "2026-04-07"),
        ("2026-04-09", "2026-04-12"),
        ("2026-04-08", "2026-04-08"),
    ):
        refused = artist.post(
            "/data/day-offs", json={"person_id": me, "date": start, "end_date": end}
        )
        assert refused.status_code == 400, (start, end, refused.text)
        assert refused.json()["message"] == "Day off already exists for this period"
    # Moving it onto another one is refused too; a neighbour range is fine.
    after = artist.post(
        "/data/day-offs", json={"person_id": me, "date": "2026-04-10", "end_date": "2026-04-10"}
    )
    assert after.status_code == 201, after.text
    assert (
        admin.get("/data/time-spents", params={"person_id": me, "date": "2026-04-10"}).json() == []
    )
    moved = artist.put(f"/data/day-offs/{after.json()['id']}", json={"date": "2026-04-09"})
    assert moved.status_code == 400
    # Someone else's day off is not the artist's to create; the same days are free for them.
    assert (
        office.other_client.post(
            "/data/day-offs", json={"person_id": me, "date": "2026-05-01", "end_date": "2026-05-01"}
        ).status_code
        == 403
    )
    theirs = office.other_client.post(
        "/data/day-offs",
        json={"person_id": office.other["id"], "date": "2026-04-08", "end_date": "2026-04-08"},
    )
    assert theirs.status_code == 201, theirs.text


def test_day_off_bad_input(office):
    me = office.artist["id"]
    for body in (
        {"person_id": me, "date": "2026-06-09", "end_date": "2026-06-01"},
        {"person_id": me, "date": "not-a-date", "end_date": "2026-06-01"},
        {"person_id": me},
    ):
        response = office.artist_client.post("/data/day-offs", json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["message"]
