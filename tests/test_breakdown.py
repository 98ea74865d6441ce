"""A studio sets up a tv show: episodes, sequences, shots, assets, casting, boards."""

import uuid

import pytest

from tests.support.studio import person_token, tag


@pytest.fixture(scope="module")
def studio(system, admin_token):
    with system.client(admin_token) as client:
        yield client


@pytest.fixture(scope="module")
def show(studio):
    admin = studio
    project = admin.post(
        "/data/projects", json={"name": f"h5-show-{tag()}", "production_type": "tvshow"}
    ).json()
    pid = project["id"]
    types = {t["name"]: t for t in admin.get("/data/entity-types").json()}
    ep1 = admin.post(f"/data/projects/{pid}/episodes", json={"name": "E01"})
    assert ep1.status_code == 201, ep1.text
    ep2 = admin.post(f"/data/projects/{pid}/episodes", json={"name": "E02"}).json()
    seq = admin.post(
        f"/data/projects/{pid}/sequences", json={"name": "SQ01", "episode_id": ep1.json()["id"]}
    )
    assert seq.status_code == 201, seq.text
    shot = admin.post(
        f"/data/projects/{pid}/shots",
        json={
            "name": "SH010",
            "sequence_id": seq.json()["id"],
            "nb_frames": 48,
            "data": {"frame_in": 1001, "frame_out": 1048},
        },
    )
    assert shot.status_code == 201, shot.text
    hero = admin.post(
        f"/data/projects/{pid}/asset-types/{types['Character']['id']}/assets/new",
        json={"name": "hero", "description": "the hero"},
    )
    assert hero.status_code == 201, hero.text
    sword = admin.post(
        f"/data/projects/{pid}/asset-types/{types['Prop']['id']}/assets/new",
        json={"name": "sword", "episode_id": ep2["id"]},
    ).json()
    return {
        "project": project,
        "ep1": ep1.json(),
        "ep2": ep2,
        "seq": seq.json(),
        "shot": shot.json(),
        "hero": hero.json(),
        "sword": sword,
    }


def test_breakdown_lists(admin, show):
    pid = show["project"]["id"]
    episodes = admin.get(f"/data/projects/{pid}/episodes").json()
    assert [e["name"] for e in episodes] == ["E01", "E02"]
    assert episodes[0]["type"] == "Episode" and episodes[0]["description"] == ""
    sequences = admin.get(f"/data/episodes/{show['ep1']['id']}/sequences").json()
    assert [s["name"] for s in sequences] == ["SQ01"]
    shots = admin.get(f"/data/sequences/{show['seq']['id']}/shots").json()
    assert shots[0]["nb_frames"] == 48 and shots[0]["type"] == "Shot"
    assert show["sword"]["source_id"] == show["ep2"]["id"]
    assets = admin.get(f"/data/projects/{pid}/assets").json()
    assert {a["name"] for a in assets} == {"hero", "sword"}
    opened = admin.get("/data/projects/open").json()
    mine = next(p for p in opened if p["id"] == pid)
    assert mine["first_episode_id"] == show["ep1"]["id"]
    assert "task_type_links" in mine and "descriptors" in mine


def test_casting_and_boards(admin, show):
    pid, shot = show["project"]["id"], show["shot"]
    casting = [
        {"asset_id": show["hero"]["id"], "nb_occurences": 2},
        {"asset_id": show["sword"]["id"], "nb_occurences": 1, "label": "fixed"},
    ]
    response = admin.put(f"/data/projects/{pid}/entities/{shot['id']}/casting", json=casting)
    assert response.status_code == 200, response.text
    cast = admin.get(f"/data/projects/{pid}/entities/{shot['id']}/casting").json()
    assert [(c["asset_name"], c["nb_occurences"]) for c in cast] == [("hero", 2), ("sword", 1)]
    by_shot = admin.get(f"/data/projects/{pid}/sequences/all/casting").json()
    assert by_shot[shot["id"]][0]["sequence_name"] == "SQ01"
    episodes = admin.get(f"/data/projects/{pid}/episodes/casting").json()
    assert {c["asset_name"] for c in episodes[show["ep1"]["id"]]} == {"hero", "sword"}
    cast_in = admin.get(f"/data/assets/{show['hero']['id']}/cast-in").json()
    assert cast_in[0]["shot_name"] == "SH010" and cast_in[0]["episode_name"] == "E01"

    board = admin.get("/data/shots/with-tasks", params={"project_id": pid})
    assert board.status_code == 200, board.text
    row = board.json()[0]
    assert row["sequence_name"] == "SQ01" and row["episode_name"] == "E01"
    assert row["frame_in"] == 1001 and row["nb_entities_out"] == 2 and row["tasks"] == []
    assets = admin.get("/data/assets/with-tasks", params={"project_id": pid}).json()
    sword = next(a for a in assets if a["name"] == "sword")
    assert sword["asset_type_name"] == "Prop" and sword["ready_for"] == "None"
    assert set(sword["casting_episode_ids"]) == {show["ep1"]["id"]}
    seqs = admin.get("/data/sequences/with-tasks", params={"project_id": pid}).json()
    assert seqs[0]["episode_id"] == show["ep1"]["id"]
    assert admin.get(f"/data/sequences/{show['seq']['id']}/shot-tasks").json() == []
    assert admin.get(f"/data/episodes/{show['ep1']['id']}/asset-tasks").status_code == 200


def test_team_and_settings(admin, show):
    pid = show["project"]["id"]
    me = admin.get("/data/persons", params={"email": "admin@example.com"}).json()[0]
    added = admin.post(f"/data/projects/{pid}/team", json={"person_id": me["id"]})
    assert added.status_code == 201, added.text
    team = admin.get(f"/data/projects/{pid}/team").json()
    assert [p["id"] for p in team] == [me["id"]] and team[0]["project_role"] is None
    task_type = admin.get("/data/task-types").json()[0]
    status = admin.get("/data/task-status").json()[0]
    batch = admin.post(
        f"/data/projects/{pid}/settings/batch",
        json={"task_types": [{"task_type_id": task_type["id"]}], "task_status_ids": [status["id"]]},
    )
    assert batch.status_code == 200, batch.text
    assert task_type["id"] in batch.json()["task_type_links"]
    items = admin.get(f"/data/projects/{pid}/schedule-items/task-types").json()
    assert [i["task_type_id"] for i in items] == [task_type["id"]]
    assert admin.get(f"/data/projects/{pid}/milestones").json() == []
    assert admin.delete(f"/data/projects/{pid}/team/{me['id']}").status_code == 204


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/data/projects/{pid}/episodes", {}),
        ("post", "/data/projects/{pid}/episodes", {"name": 3}),
        ("post", "/data/projects/{pid}/sequences", {"name": "x", "episode_id": "nope"}),
        ("post", "/data/projects/{pid}/shots", {"name": "x", "nb_frames": "many"}),
        ("put", "/data/projects/{pid}/entities/{shot}/casting", {"asset_id": 1}),
        (
            "put",
            "/data/projects/{pid}/entities/{shot}/casting",
            [{"asset_id": "x", "nb_occurences": 1}],
        ),
        ("post", "/data/projects/{pid}/settings/batch", {"task_status_ids": ["x"]}),
        ("post", "/data/projects/{pid}/team", {"person_id": "bad"}),
        ("get", "/data/shots/with-tasks?project_id=bad", None),
        ("get", "/data/episodes/bad/asset-tasks", None),
    ],
)
def test_bad_input_is_400(admin, show, method, path, body):
    path = path.format(pid=show["project"]["id"], shot=show["shot"]["id"])
    kwargs = {"json": body} if body is not None else {}
    response = getattr(admin, method)(path, **kwargs)
    assert response.status_code == 400, response.text
    assert "message" in response.json()


def test_unknown_ids_are_404(admin):
    unknown = str(uuid.uuid4())
    assert admin.get(f"/data/episodes/{unknown}/sequences").status_code == 404
    assert admin.get(f"/data/projects/{unknown}/team").status_code == 404
    assert admin.get(f"/data/shots/{unknown}").status_code == 404


def test_edits_departments_and_budgets(studio, show):
    admin, pid = studio, show["project"]["id"]
    edit = admin.post(
        f"/data/projects/{pid}/edits", json={"name": "trailer", "episode_id": show["ep1"]["id"]}
    )
    assert edit.status_code == 201, edit.text
    board = admin.get("/data/edits/with-tasks", params={"project_id": pid}).json()
    assert [(b["name"], b["episode_name"]) for b in board] == [("trailer", "E01")]
    assert admin.delete(f"/data/edits/{edit.json()['id']}").status_code == 204
    assert admin.get("/data/edits/with-tasks", params={"project_id": pid}).json() == []

    me = admin.get("/data/persons", params={"email": "admin@example.com"}).json()[0]
    department = admin.get("/data/departments").json()[0]
    added = admin.post(
        f"/actions/persons/{me['id']}/departments/add", json={"department_id": department["id"]}
    )
    assert added.status_code == 201 and department["id"] in added.json()["departments"]
    removed = admin.delete(f"/actions/persons/{me['id']}/departments/{department['id']}")
    assert removed.status_code == 204
    bad = admin.post(f"/actions/persons/{me['id']}/departments/add", json={"department_id": "x"})
    assert bad.status_code == 400

    budget = admin.post("/data/budgets", json={"name": "v1", "project_id": pid})
    assert budget.status_code == 201, budget.text
    bid = budget.json()["id"]
    renamed = admin.put(f"/data/projects/{pid}/budgets/{bid}", json={"name": "v1b"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "v1b"
    assert [b["name"] for b in admin.get(f"/data/projects/{pid}/budgets").json()] == ["v1b"]
    assert admin.put(f"/data/projects/{pid}/budgets/{bid}", json={"name": 5}).status_code == 400


def test_outsider_is_refused(system, studio, show):
    _, token = person_token(system, studio)
    pid = show["project"]["id"]
    with system.client(token) as outsider:
        assert outsider.get(f"/data/projects/{pid}/team").status_code == 403
        assert outsider.get("/data/shots/with-tasks", params={"project_id": pid}).status_code == 403
        assert outsider.get(f"/data/projects/{pid}/episodes").status_code == 403
        assert pid not in [p["id"] for p in outsider.get("/data/projects/open").json()]
        created = outsider.post(f"/data/projects/{pid}/episodes", json={"name": "E09"})
        assert created.status_code == 403
