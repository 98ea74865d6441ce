"""A production manager looks at people: their days off, logged time, desktop logins,
and what each department is equipped with."""

import pytest

from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def crew(system, admin_token):
    with system.client(admin_token) as admin:
        artist, artist_token = person_token(system, admin)
        artist_id = artist["id"]
        day_off = admin.post(
            "/data/day-offs",
            json={
                "person_id": artist_id,
                "date": "2031-03-10",
                "end_date": "2031-03-12",
                "description": "h14 holiday",
            },
        )
        assert day_off.status_code == 201, day_off.text
        department = admin.post(
            "/data/departments", json={"name": f"h14-dep-{tag()}", "color": "#000000"}
        ).json()
        added = admin.post(
            f"/actions/persons/{artist_id}/departments/add",
            json={"department_id": department["id"]},
        )
        assert added.status_code == 201, added.text
        hardware = admin.post(
            "/data/hardware-items", json={"name": f"h14-hw-{tag()}", "short_name": "hw"}
        ).json()
        software = admin.post(
            "/data/softwares",
            json={"name": f"h14-sw-{tag()}", "short_name": "sw", "file_extension": ".sw"},
        ).json()
        return {
            "artist": artist_id,
            "token": artist_token,
            "day_off": day_off.json(),
            "department": department,
            "hardware": hardware,
            "software": software,
        }


def test_day_offs_by_person_and_period(system, admin, crew):
    artist, day_off = crew["artist"], crew["day_off"]
    assert [d["id"] for d in admin.get(f"/data/persons/{artist}/day-offs/").json()] == [
        day_off["id"]
    ]
    for path in ("year/2031", "month/2031/3", "week/2031/11"):
        listed = admin.get(f"/data/persons/{artist}/day-offs/{path}").json()
        assert [d["id"] for d in listed] == [day_off["id"]], path
    assert admin.get(f"/data/persons/{artist}/day-offs/month/2031/4").json() == []
    assert admin.get(f"/data/persons/{artist}/day-offs/2031-03-11").json()["id"] == day_off["id"]
    assert admin.get(f"/data/persons/{artist}/day-offs/2031-03-13").json() == {}
    month = admin.get("/data/persons/day-offs/2031/3").json()
    assert day_off["id"] in [d["id"] for d in month]
    assert day_off["id"] in [d["id"] for d in admin.get("/data/persons/day-offs/2031").json()]
    with system.client(crew["token"]) as artist_client:
        own = artist_client.get(f"/data/persons/{artist}/day-offs").json()
        assert own[0]["description"] == "h14 holiday"
        others = artist_client.get("/data/persons/day-offs/2031/3").json()
        assert [d["person_id"] for d in others] == [artist]
        admin_id = admin.get("/auth/authenticated").json()["user"]["id"]
        assert artist_client.get(f"/data/persons/{admin_id}/day-offs").status_code == 403


def test_day_off_views_refuse_bad_dates_and_unknown_people(admin, crew):
    artist = crew["artist"]
    assert admin.get(f"/data/persons/{artist}/day-offs/month/2031/13").status_code == 400
    assert admin.get(f"/data/persons/{artist}/day-offs/week/2031/60").status_code == 400
    assert admin.get(f"/data/persons/{artist}/day-offs/year/x").status_code == 400
    assert admin.get("/data/persons/day-offs/2031/x").status_code == 400
    assert admin.get("/data/persons/day-offs/x").status_code == 400
    bad = admin.get(f"/data/persons/{artist}/day-offs/2031-13-01")
    assert bad.json()["message"] == "Invalid date format."
    assert admin.get(f"/data/persons/{MISSING}/day-offs").status_code == 404
    assert admin.get("/data/persons/nope/day-offs").status_code == 400


def test_logged_time_of_a_person(system, admin, crew):
    artist = crew["artist"]
    assert admin.get(f"/data/persons/{artist}/time-spents").json() == []
    assert admin.get(f"/data/persons/{artist}/time-spents/2031-03-01").json() == []
    ranged = admin.get(
        f"/data/persons/{artist}/time-spents",
        params={"start_date": "2031-01-01", "end_date": "2031-12-31"},
    )
    assert ranged.json() == []
    half = admin.get(f"/data/persons/{artist}/time-spents", params={"start_date": "2031-01-01"})
    assert half.status_code == 400 and "end_date" in half.json()["message"]
    assert admin.get(f"/data/persons/{artist}/time-spents/xx").status_code == 400
    assert admin.get(f"/data/persons/{MISSING}/time-spents").status_code == 404
    with system.client(crew["token"]) as artist_client:
        admin_id = admin.get("/auth/authenticated").json()["user"]["id"]
        assert artist_client.get(f"/data/persons/{admin_id}/time-spents").status_code == 403


def test_desktop_logins_are_recorded(system, admin, crew):
    artist = crew["artist"]
    with system.client(crew["token"]) as artist_client:
        logged = artist_client.post(
            f"/data/persons/{artist}/desktop-login-logs", json={"date": "2031-03-01T10:00:00"}
        )
        assert logged.status_code == 201, logged.text
        assert (logged.json()["type"], logged.json()["date"]) == (
            "DesktopLoginLog",
            "2031-03-01T10:00:00",
        )
        admin_id = admin.get("/auth/authenticated").json()["user"]["id"]
        assert artist_client.get(f"/data/persons/{admin_id}/desktop-login-logs").status_code == 403
        assert (
            artist_client.post(f"/data/persons/{admin_id}/desktop-login-logs", json={}).status_code
            == 403
        )
    assert admin.post(f"/data/persons/{artist}/desktop-login-logs", json={}).status_code == 201
    listed = admin.get(f"/data/persons/{artist}/desktop-login-logs").json()
    assert len(listed) == 2 and listed[0]["date"] == "2031-03-01T10:00:00"
    bad = admin.post(f"/data/persons/{artist}/desktop-login-logs", json={"date": "x"})
    assert bad.status_code == 400
    assert admin.get(f"/data/persons/{MISSING}/desktop-login-logs").status_code == 404


def test_departments_people_hardware_and_software(system, admin, crew):
    dep, hardware, software = crew["department"]["id"], crew["hardware"], crew["software"]
    members = admin.get(f"/data/departments/{dep}/persons").json()
    assert [(m["id"], m["departments"]) for m in members] == [(crew["artist"], [dep])]
    linked = admin.post(
        f"/data/departments/{dep}/hardware-items", json={"hardware_item_id": hardware["id"]}
    )
    assert linked.status_code == 201, linked.text
    assert (linked.json()["department_id"], linked.json()["hardware_item_id"]) == (
        dep,
        hardware["id"],
    )
    admin.post(f"/data/departments/{dep}/software-licenses", json={"software_id": software["id"]})
    assert [h["id"] for h in admin.get("/data/departments/hardware-items").json()[dep]] == [
        hardware["id"]
    ]
    assert [s["id"] for s in admin.get("/data/departments/software-licenses").json()[dep]] == [
        software["id"]
    ]
    one = admin.get(f"/data/departments/{dep}/software-licenses/{software['id']}")
    assert one.json()["id"] == software["id"]
    assert (
        admin.delete(f"/data/departments/{dep}/hardware-items/{hardware['id']}").status_code == 204
    )
    assert admin.get(f"/data/departments/{dep}/hardware-items/{hardware['id']}").status_code == 404
    with system.client(crew["token"]) as artist_client:
        assert artist_client.get("/data/departments/hardware-items").status_code == 403
        seen = artist_client.get(f"/data/departments/{dep}/persons").json()
        assert "email" not in seen[0]


def test_departments_refuse_bad_input(admin, crew):
    dep = crew["department"]["id"]
    assert admin.post(f"/data/departments/{dep}/hardware-items", json={}).status_code == 400
    bad = admin.post(f"/data/departments/{dep}/software-licenses", json={"software_id": "x"})
    assert bad.status_code == 400 and "software_id" in bad.json()["message"]
    unknown = admin.post(
        f"/data/departments/{dep}/software-licenses", json={"software_id": MISSING}
    )
    assert unknown.status_code == 404
    assert admin.get(f"/data/departments/{MISSING}/persons").status_code == 404
    assert admin.get("/data/departments/nope/persons").status_code == 400
    assert admin.delete(f"/data/departments/{dep}/software-licenses/nope").status_code == 400
