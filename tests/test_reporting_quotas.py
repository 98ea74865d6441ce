"""A production's shot quotas: how many frames, seconds and shots each animator finished
per day, week and month, weighted by the time they logged or spread over the days a task
was in progress, and the same table for one person split by task type."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.support.studio import eventually, first, make, person, tag


def local_day(utc_iso: str, timezone: str = "Europe/Paris") -> str:
    moment = dt.datetime.fromisoformat(utc_iso).replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")


@pytest.fixture(scope="module")
def show(system, admin_token):
    """March 2024 on a short: Ann animates SH010 (logged on two days, Bob helped on one)
    and shares SH020 with Bob (no time logged, in progress Monday to Wednesday, approved
    Thursday); Ann also lays out SH030; SH040 is still in progress."""
    with system.client(admin_token) as admin:
        s = type("Show", (), {})()
        s.admin = admin
        s.project = make(admin, "/data/projects", {"name": f"Quota Show {tag()}"})
        pid = s.project["id"]
        s.studio = make(admin, "/data/studios", {"name": f"Studio {tag()}", "color": "#000000"})
        s.ann, s.ann_client = person(system, admin, "user")
        s.bob, s.bob_client = person(system, admin, "user", studio_id=s.studio["id"])
        s.manager, s.manager_client = person(system, admin, "manager")
        s.client, s.client_client = person(system, admin, "client")
        s.outsider, s.outsider_client = person(system, admin, "manager")
        for member in (s.ann, s.bob, s.manager, s.client):
            added = admin.post(f"/data/projects/{pid}/team", json={"person_id": member["id"]})
            assert added.status_code in (200, 201), added.text
        sequence_type = first(admin, "/data/entity-types", name="Sequence")
        shot_type = first(admin, "/data/entity-types", name="Shot")
        sequence = make(
            admin,
            "/data/entities",
            {"name": "SQ01", "project_id": pid, "entity_type_id": sequence_type["id"]},
        )

        def shot(name, frames):
            return make(
                admin,
                "/data/entities",
                {
                    "name": name,
                    "project_id": pid,
                    "entity_type_id": shot_type["id"],
                    "parent_id": sequence["id"],
                    "nb_frames": frames,
                },
            )

        s.animation = first(admin, "/data/task-types", name="Animation")
        s.layout = first(admin, "/data/task-types", name="Layout")
        s.status = {
            name: first(admin, "/data/task-status", short_name=name)
            for name in ("todo", "wip", "wfa", "done")
        }

        def task(entity, task_type, assignees, **dates):
            return make(
                admin,
                "/data/tasks",
                {
                    "name": "main",
                    "project_id": pid,
                    "entity_id": entity["id"],
                    "task_type_id": task_type["id"],
                    "task_status_id": s.status["todo"]["id"],
                    "assignees": [a["id"] for a in assignees],
                    **dates,
                },
            )

        sh010, sh020, sh030, sh040 = (
            shot("SH010", 48),
            shot("SH020", 100),
            shot("SH030", 24),
            (shot("SH040", 60)),
        )
        # Bob helps on SH010 for a day, and is taken off it once his time is logged.
        s.sh010_task = task(sh010, s.animation, [s.ann, s.bob])
        for who, date, minutes in (
            (s.ann, "2024-03-04", 120),
            (s.ann, "2024-03-05", 120),
            (s.bob, "2024-03-05", 240),
        ):
            logged = admin.post(
                f"/actions/tasks/{s.sh010_task['id']}/time-spents/{date}/persons/{who['id']}",
                json={"duration": minutes},
            )
            assert logged.status_code in (200, 201), logged.text
        cleared = admin.put(
            "/actions/tasks/clear-assignation",
            json={"task_ids": [s.sh010_task["id"]], "person_id": s.bob["id"]},
        )
        assert cleared.status_code == 200, cleared.text
        # Worked, then sent for review: the feedback date is now.
        for status in ("wip", "wfa"):
            said = admin.post(
                f"/actions/tasks/{s.sh010_task['id']}/comment",
                json={"task_status_id": s.status[status]["id"], "comment": status},
            )
            assert said.status_code == 201, said.text
        s.sh010_end = admin.get(f"/data/tasks/{s.sh010_task['id']}").json()["end_date"]
        assert s.sh010_end
        task(
            sh020,
            s.animation,
            [s.ann, s.bob],
            real_start_date="2024-03-04T09:00:00",
            end_date="2024-03-06T17:00:00",
            done_date="2024-03-07T10:00:00",
        )
        task(
            sh030,
            s.layout,
            [s.ann],
            real_start_date="2024-03-11T09:00:00",
            end_date="2024-03-11T18:00:00",
        )
        sh040_task = task(sh040, s.animation, [s.ann], real_start_date="2024-03-04T09:00:00")
        admin.post(
            f"/actions/tasks/{sh040_task['id']}/time-spents/2024-03-04/persons/{s.ann['id']}",
            json={"duration": 60},
        )
        s.path = f"/data/projects/{pid}/quotas/{s.animation['id']}"
        yield s
        for client in (s.ann_client, s.bob_client, s.manager_client, s.client_client):
            client.close()
        s.outsider_client.close()


def wait_for(client, path, ready, **params):
    def answer():
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        found = response.json()
        return found if ready(found) else None

    found = eventually(answer, 10.0)
    assert found, client.get(path, params=params).text
    return found


def test_weighted_quotas_share_shots_by_logged_time_or_days_in_progress(show):
    ann, bob = show.ann["id"], show.bob["id"]
    quotas = wait_for(
        show.admin,
        show.path,
        lambda q: q.get(bob, {}).get("day", {}).get("count", {}).get("2024-03-05") == 0.83,
        count_mode="weighted",
    )
    assert set(quotas) == {ann, bob, "total"}
    # SH010: Ann logged a quarter of its time each Monday and Tuesday (12 of 48 frames),
    # Bob half of it on Tuesday (24). SH020 took three week days: a third (33 of 100
    # frames) a day each for Ann and Bob. SH040 has no feedback yet and does not count.
    day = quotas[ann]["day"]
    assert day["frames"] == {"2024-03-04": 45, "2024-03-05": 45, "2024-03-06": 33}
    assert day["count"] == {"2024-03-04": 0.58, "2024-03-05": 0.58, "2024-03-06": 0.33}
    assert day["seconds"] == pytest.approx(
        {"2024-03-04": 1.8, "2024-03-05": 1.8, "2024-03-06": 1.32}
    )
    assert day["drawings"] == {"2024-03-04": 0, "2024-03-05": 0, "2024-03-06": 0}
    assert day["entries"] == {"2024-03": 3}
    assert quotas[bob]["day"]["frames"] == {"2024-03-04": 33, "2024-03-05": 57, "2024-03-06": 33}
    assert quotas[ann]["week"]["frames"] == {"2024-10": 123}
    assert quotas[ann]["week"]["count"] == {"2024-10": 1.5}
    assert quotas[ann]["week"]["entries"] == {"2024": 1}
    assert quotas[ann]["month"]["count"] == {"2024-03": 1.5}
    assert quotas[ann]["month"]["entries"] == {"2024": 1}
    assert quotas[ann]["year"] == {
        "frames": {"2024": 123},
        "seconds": pytest.approx({"2024": 4.92}),
        "count": {"2024": 1.5},
        "drawings": {"2024": 0},
    }
    total = quotas["total"]
    assert total["day"]["frames"] == {"2024-03-04": 78, "2024-03-05": 102, "2024-03-06": 66}
    assert total["week"]["count"] == {"2024-10": 3.0}
    # Approval dates instead of feedback: SH020 alone, spread Monday to Thursday.
    done = show.admin.get(show.path, params={"count_mode": "weighteddone"}).json()
    assert done[ann]["day"]["frames"] == {
        "2024-03-04": 25,
        "2024-03-05": 25,
        "2024-03-06": 25,
        "2024-03-07": 25,
    }
    assert done[ann]["week"]["count"] == {"2024-10": 1.0}


def test_raw_quotas_count_whole_shots_on_their_feedback_or_approval_day(show):
    ann, bob = show.ann["id"], show.bob["id"]
    today = local_day(show.sh010_end)
    quotas = wait_for(
        show.admin,
        show.path,
        lambda q: today in q.get(ann, {}).get("day", {}).get("frames", {}),
        count_mode="feedback",
    )
    assert quotas[ann]["day"]["frames"] == {"2024-03-06": 100, today: 48}
    assert quotas[ann]["day"]["count"] == {"2024-03-06": 1, today: 1}
    assert quotas[bob]["day"]["frames"] == {"2024-03-06": 100}
    assert quotas[bob]["month"]["seconds"] == {"2024-03": 4.0}
    assert quotas["total"]["day"]["count"]["2024-03-06"] == 2
    done = show.admin.get(show.path, params={"count_mode": "done"}).json()
    assert done[ann]["day"]["frames"] == {"2024-03-07": 100}
    assert set(done) == {ann, bob, "total"}


def test_studio_keeps_tasks_with_an_assignee_of_the_studio(show):
    ann, bob = show.ann["id"], show.bob["id"]
    wait_for(show.admin, show.path, lambda q: bob in q)
    quotas = show.admin.get(show.path, params={"studio_id": show.studio["id"]}).json()
    # SH010 is Ann's alone: out. SH020 is shared with Bob: in, for both of them.
    assert quotas[ann]["day"]["frames"] == {"2024-03-04": 33, "2024-03-05": 33, "2024-03-06": 33}
    assert quotas[bob]["day"]["frames"] == {"2024-03-04": 33, "2024-03-05": 33, "2024-03-06": 33}
    other = show.admin.get(show.path, params={"studio_id": str(uuid.uuid4())})
    assert other.status_code == 200 and other.json() == {}


def test_person_quotas_are_split_by_task_type(show):
    ann = show.ann["id"]
    path = f"/data/projects/{show.project['id']}/quotas/persons/{ann}"
    layout, animation = show.layout["id"], show.animation["id"]
    quotas = wait_for(show.admin, path, lambda q: layout in q)
    assert set(quotas) == {animation, layout, "total"}
    assert quotas[layout]["day"]["frames"] == {"2024-03-11": 24}
    assert quotas[layout]["week"]["count"] == {"2024-11": 1.0}
    # Ann's own logged time on SH010; SH020, shared, counts once per assignee as in Zou.
    assert quotas[animation]["day"]["frames"] == {
        "2024-03-04": 78,
        "2024-03-05": 78,
        "2024-03-06": 66,
    }
    raw = show.ann_client.get(path, params={"count_mode": "feedback"}).json()
    assert raw[layout]["day"]["frames"] == {"2024-03-11": 24}


def test_who_may_read_quotas(show, anonymous):
    pid, ann, bob = show.project["id"], show.ann["id"], show.bob["id"]
    wait_for(show.admin, show.path, lambda q: ann in q)
    # The team reads the production's table, artists included; clients and outsiders not.
    assert ann in show.manager_client.get(show.path).json()
    assert ann in show.ann_client.get(show.path).json()
    for client in (show.client_client, show.outsider_client):
        refused = client.get(show.path)
        assert refused.status_code == 403 and refused.json()["error"] is True
    assert anonymous.get(show.path).status_code == 401
    # One person's table: their own, or anyone's for the production's leads.
    bob_path = f"/data/projects/{pid}/quotas/persons/{bob}"
    assert show.bob_client.get(bob_path).status_code == 200
    assert show.manager_client.get(bob_path).status_code == 200
    assert show.ann_client.get(bob_path).status_code == 403
    assert show.outsider_client.get(bob_path).status_code == 403
    assert show.client_client.get(bob_path).status_code == 403


def test_quotas_refuse_bad_input(show):
    admin, pid = show.admin, show.project["id"]
    bad = admin.get(show.path, params={"count_mode": "weigthed"})
    assert bad.status_code == 400
    assert bad.json() == {
        "error": True,
        "message": "count_mode must be equal to weighted, weigtheddone, feedback, or done",
        "data": None,
    }
    assert admin.get(show.path, params={"count_mode": ""}).status_code == 400
    bad = admin.get(show.path, params={"studio_id": "nope"})
    assert bad.status_code == 400 and bad.json()["error"] is True
    bad = admin.get(f"/data/projects/{pid}/quotas/not-a-uuid")
    assert bad.status_code == 400 and bad.json()["error"] is True
    # An unknown task type is no error in Zou: nobody has quotas for it.
    unknown = admin.get(f"/data/projects/{pid}/quotas/{uuid.uuid4()}")
    assert unknown.status_code == 200 and unknown.json() == {}
    for project in (str(uuid.uuid4()), "not-a-uuid"):
        missing = admin.get(f"/data/projects/{project}/quotas/{show.animation['id']}")
        assert missing.status_code == 404 and missing.json()["error"] is True
        missing = admin.get(f"/data/projects/{project}/quotas/persons/{show.ann['id']}")
        assert missing.status_code == 404
    for who in (str(uuid.uuid4()), "not-a-uuid"):
        missing = admin.get(f"/data/projects/{pid}/quotas/persons/{who}")
        assert missing.status_code == 404 and missing.json()["error"] is True
    bad = admin.get(f"/data/projects/{pid}/quotas/persons/{show.ann['id']}?count_mode=x")
    assert bad.status_code == 400


def test_a_kept_quota_table_follows_the_next_time_spent(show):
    """Quota tables are kept until reporting's projections change: the next time spent
    shows (runs last: it adds a day to Ann's SH010)."""
    ann = show.ann["id"]
    params = {"count_mode": "weighted"}
    first_read = show.admin.get(show.path, params=params).json()
    assert show.admin.get(show.path, params=params).json() == first_read
    assert "2024-03-07" not in first_read[ann]["day"]["frames"]
    logged = show.admin.post(
        f"/actions/tasks/{show.sh010_task['id']}/time-spents/2024-03-07/persons/{ann}",
        json={"duration": 240},
    )
    assert logged.status_code in (200, 201), logged.text
    wait_for(show.admin, show.path, lambda q: "2024-03-07" in q[ann]["day"]["frames"], **params)
