"""A tv show starts with its first episode; assets shared across productions."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import person_token, tag


@pytest.fixture(scope="module")
def productions(system, admin_token):
    with system.client(admin_token) as admin:
        return _productions(admin)


def _productions(admin):
    types = {t["name"]: t["id"] for t in admin.get("/data/entity-types").json()}
    library = admin.post("/data/projects", json={"name": f"h11-lib-{tag()}"}).json()
    lamp = admin.post(
        f"/data/projects/{library['id']}/asset-types/{types['Prop']}/assets/new",
        json={"name": "lamp"},
    ).json()
    show = admin.post(
        "/data/projects", json={"name": f"h11-show-{tag()}", "production_type": "tvshow"}
    )
    assert show.status_code == 201, show.text
    return {"library": library, "lamp": lamp, "show": show.json(), "types": types}


def test_a_tvshow_gets_its_first_episode(system, admin, productions):
    show = productions["show"]
    with EventListener(system.nats_url, system.subject(">")) as events:
        other = admin.post(
            "/data/projects", json={"name": f"h11-show-{tag()}", "production_type": "tvshow"}
        ).json()
        new = events.wait_for(
            lambda e: e["name"] == "episode:new" and e["project_id"] == other["id"]
        )
    assert new["data"]["episode_id"] == other["first_episode_id"]
    me = admin.get("/data/persons", params={"email": "admin@example.com"}).json()[0]
    episodes = admin.get(f"/data/projects/{show['id']}/episodes").json()
    assert [(e["id"], e["name"], e["description"], e["data"]) for e in episodes] == [
        (show["first_episode_id"], "E01", "", {})
    ]
    assert episodes[0]["created_by"] == me["id"]
    assert show["team"] == []
    assert "first_episode_id" not in productions["library"]
    became = admin.put(f"/data/projects/{productions['library']['id']}", json={"fps": "24"})
    assert "first_episode_id" not in became.json()


def test_shared_assets_used_in_another_production(admin, productions):
    library, lamp, show = productions["library"], productions["lamp"], productions["show"]
    shared = admin.post(f"/actions/projects/{library['id']}/assets/share", json={})
    assert shared.status_code == 200, shared.text
    assert [(a["id"], a["is_shared"], a["type"]) for a in shared.json()] == [
        (lamp["id"], True, "Asset")
    ]
    seq = admin.post(
        f"/data/projects/{show['id']}/sequences",
        json={"name": "SQ01", "episode_id": show["first_episode_id"]},
    ).json()
    shot = admin.post(
        f"/data/projects/{show['id']}/shots", json={"name": "SH01", "sequence_id": seq["id"]}
    ).json()
    cast = admin.put(
        f"/data/projects/{show['id']}/entities/{shot['id']}/casting",
        json=[{"asset_id": lamp["id"], "nb_occurences": 1}],
    )
    assert cast.status_code == 200, cast.text
    used = admin.get(f"/data/projects/{show['id']}/assets/shared-used").json()
    assert [a["name"] for a in used] == ["lamp"]
    in_episode = admin.get(
        f"/data/projects/{show['id']}/episodes/{show['first_episode_id']}/assets/shared-used"
    ).json()
    assert [a["id"] for a in in_episode] == [lamp["id"]]
    assert admin.get(f"/data/projects/{library['id']}/assets/shared-used").json() == []
    unshared = admin.post(
        "/actions/assets/share", json={"is_shared": False, "asset_ids": [lamp["id"]]}
    )
    assert unshared.json()[0]["is_shared"] is False
    assert admin.get(f"/data/projects/{show['id']}/assets/shared-used").json() == []
    by_type = admin.post(
        f"/actions/projects/{library['id']}/asset-types/{productions['types']['Prop']}"
        "/assets/share",
        json={"is_shared": True},
    )
    assert [a["is_shared"] for a in by_type.json()] == [True]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/actions/assets/share", {"is_shared": "yes"}),
        ("/actions/assets/share", {"asset_ids": ["not-an-id"]}),
        ("/actions/assets/share", {"asset_ids": "x"}),
    ],
)
def test_share_bad_input(admin, path, body):
    response = admin.post(path, json=body)
    assert response.status_code == 400 and response.json()["error"] is True


def test_share_unknown_and_outsiders(system, admin, productions):
    missing = "00000000-0000-0000-0000-000000000000"
    assert admin.get(f"/data/projects/{missing}/assets/shared-used").status_code == 404
    unknown = admin.post("/actions/assets/share", json={"asset_ids": [missing]})
    assert unknown.status_code == 404
    _, token = person_token(system, admin)
    library = productions["library"]["id"]
    with system.client(token) as outsider:
        assert outsider.get(f"/data/projects/{library}/assets/shared-used").status_code == 403
        shared = outsider.post(f"/actions/projects/{library}/assets/share", json={})
        assert shared.status_code == 403
