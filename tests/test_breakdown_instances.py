"""A layout team breaks a scene down: asset instances, scene shots, casting in bulk,
entity links, and cleaning up entities."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def film(system, admin_token):
    with system.client(admin_token) as admin:
        types = {t["name"]: t["id"] for t in admin.get("/data/entity-types").json()}
        pid = admin.post("/data/projects", json={"name": f"h11-film-{tag()}"}).json()["id"]
        seq = admin.post(f"/data/projects/{pid}/sequences", json={"name": "SQ1"}).json()
        made = {"pid": pid, "types": types, "seq": seq}
        for kind, name in (("shots", "SH1"), ("shots", "SH2"), ("scenes", "SC1")):
            made[name] = admin.post(
                f"/data/projects/{pid}/{kind}", json={"name": name, "sequence_id": seq["id"]}
            ).json()
        for name, kind in (("Hero Man", "Character"), ("car", "Prop")):
            made[name] = admin.post(
                f"/data/projects/{pid}/asset-types/{types[kind]}/assets/new", json={"name": name}
            ).json()
        return made


def test_asset_instances_in_scenes_shots_and_assets(system, admin, film):
    scene, shot, hero, car = film["SC1"], film["SH1"], film["Hero Man"], film["car"]
    with EventListener(system.nats_url, system.subject(">")) as events:
        first = admin.post(
            f"/data/scenes/{scene['id']}/asset-instances",
            json={"asset_id": hero["id"], "description": "front"},
        )
        assert first.status_code == 201, first.text
        assert (first.json()["name"], first.json()["number"]) == ("Hero_Man_0001", 1)
        second = admin.post(
            f"/data/scenes/{scene['id']}/asset-instances", json={"asset_id": hero["id"]}
        ).json()
        assert second["name"] == "Hero_Man_0002" and second["type"] == "AssetInstance"
        new = events.wait_for(
            lambda e: (
                e["name"] == "asset_instance:new" and e["data"]["asset_instance_id"] == second["id"]
            )
        )
        assert new["data"]["scene_id"] == scene["id"]
    listed = admin.get(f"/data/scenes/{scene['id']}/asset-instances").json()
    assert [i["number"] for i in listed[hero["id"]]] == [1, 2]
    assert admin.get(f"/data/scenes/{scene['id']}/camera-instances").json() == {}
    added = admin.post(
        f"/data/shots/{shot['id']}/asset-instances", json={"asset_instance_id": first.json()["id"]}
    )
    assert added.status_code == 201 and added.json()["id"] == shot["id"]
    in_shot = admin.get(f"/data/shots/{shot['id']}/asset-instances").json()
    assert [i["id"] for i in in_shot[hero["id"]]] == [first.json()["id"]]
    by_shot = admin.get(f"/data/assets/{hero['id']}/shot-asset-instances").json()
    assert list(by_shot) == [shot["id"]]
    by_scene = admin.get(f"/data/assets/{hero['id']}/scene-asset-instances").json()
    assert len(by_scene[scene["id"]]) == 2
    inner = admin.post(
        f"/data/assets/{car['id']}/asset-asset-instances",
        json={"asset_to_instantiate_id": hero["id"]},
    )
    assert inner.status_code == 201 and inner.json()["target_asset_id"] == car["id"]
    assert list(admin.get(f"/data/assets/{car['id']}/asset-asset-instances").json()) == [hero["id"]]


def test_scene_shots_and_bulk_casting(admin, film):
    pid, scene, shot, other = film["pid"], film["SC1"], film["SH1"], film["SH2"]
    hero, car = film["Hero Man"], film["car"]
    linked = admin.post(f"/data/scenes/{scene['id']}/shots", json={"shot_id": shot["id"]})
    assert linked.status_code == 201 and linked.json()["source_id"] == scene["id"]
    shots = admin.get(f"/data/scenes/{scene['id']}/shots").json()
    assert [(s["name"], s["sequence_name"]) for s in shots] == [("SH1", "SQ1")]
    assert admin.delete(f"/data/scenes/{scene['id']}/shots/{shot['id']}").status_code == 204
    assert admin.get(f"/data/scenes/{scene['id']}/shots").json() == []

    bulk = admin.put(
        f"/data/projects/{pid}/entities/casting",
        json={shot["id"]: [{"asset_id": hero["id"], "nb_occurences": 2}]},
    )
    assert bulk.status_code == 200, bulk.text
    one = admin.put(
        f"/data/projects/{pid}/entities/casting/assets/{car['id']}",
        json={"entity_ids": [shot["id"], other["id"]], "nb_occurences": 3, "label": "fixed"},
    ).json()
    assert [(c["asset_name"], c["nb_occurences"]) for c in one[shot["id"]]] == [
        ("Hero Man", 2),
        ("car", 3),
    ]
    assert [a["name"] for a in admin.get(f"/data/shots/{shot['id']}/assets").json()] == [
        "Hero Man",
        "car",
    ]
    kinds = admin.get(f"/data/shots/{shot['id']}/asset-types").json()
    assert [k["name"] for k in kinds] == ["Character", "Prop"]
    links = admin.get(f"/data/projects/{pid}/entity-links").json()
    assert len(links) == 3 and links[0]["type"] == "EntityLink"
    paged = admin.get(f"/data/projects/{pid}/entity-links", params={"page": 1, "limit": 2}).json()
    assert (paged["total"], paged["nb_pages"], len(paged["data"])) == (3, 2, 2)
    gone = next(link for link in links if link["entity_in_id"] == other["id"])
    removed = admin.delete(f"/data/projects/{pid}/entity-links/{gone['id']}")
    assert removed.status_code == 200 and removed.json()["id"] == gone["id"]
    assert admin.get(f"/data/shots/{other['id']}/assets").json() == []
    uncast = admin.put(
        f"/data/projects/{pid}/entities/casting/assets/{car['id']}",
        json={"entity_ids": [shot["id"]], "nb_occurences": 0},
    ).json()
    assert [c["asset_name"] for c in uncast[shot["id"]]] == ["Hero Man"]


def test_asset_types_and_entity_views(admin, film):
    types = admin.get("/data/asset-types").json()
    names = [t["name"] for t in types]
    assert "Character" in names and "Shot" not in names and "task_types" in types[0]
    one = admin.get(f"/data/asset-types/{film['types']['Prop']}").json()
    assert one["name"] == "Prop" and one["type"] == "AssetType"
    assert admin.get(f"/data/asset-types/{film['types']['Shot']}").status_code == 404
    shot = film["SH1"]
    for path in ("versions", "assets"):
        assert admin.get(f"/data/shots/{shot['id']}/{path}").status_code == 200
    assert admin.get(f"/data/shots/{shot['id']}/preview-files").json() == {}
    assert admin.get(f"/data/entities/{shot['id']}/preview-files").json() == []
    assert admin.get(f"/data/entities/{shot['id']}/time-spents").json() == []
    hero = film["Hero Man"]
    assert admin.get(f"/data/assets/{hero['id']}/tasks").json() == []
    assert admin.get(f"/data/assets/{hero['id']}/task-types").json() == []
    assert admin.get(f"/data/assets/{shot['id']}/assets").status_code == 404


def test_delete_entities(admin, film):
    pid = film["pid"]
    doomed = admin.post(
        f"/data/projects/{pid}/asset-types/{film['types']['Prop']}/assets/new",
        json={"name": f"doomed-{tag()}"},
    ).json()
    removed = admin.post(
        f"/actions/projects/{pid}/delete-entities", json=[doomed["id"], film["seq"]["id"], MISSING]
    )
    assert removed.status_code == 200 and removed.json() == [doomed["id"]]
    assert admin.get(f"/data/assets/{doomed['id']}").status_code == 404


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/actions/projects/{pid}/delete-entities", {}),
        ("post", "/actions/projects/{pid}/delete-entities", ["nope"]),
        ("put", "/data/projects/{pid}/entities/casting", []),
        ("put", "/data/projects/{pid}/entities/casting/assets/{car}", {"entity_ids": []}),
        ("post", "/data/scenes/{scene}/asset-instances", {}),
        ("post", "/data/scenes/{scene}/asset-instances", {"asset_id": "x"}),
        ("post", "/data/shots/{shot}/asset-instances", {}),
        ("post", "/data/scenes/{scene}/shots", {"shot_id": 3}),
        ("get", "/data/projects/{pid}/entity-links?page=x", None),
    ],
)
def test_bad_input_is_400(admin, film, method, path, body):
    url = path.format(
        pid=film["pid"], car=film["car"]["id"], scene=film["SC1"]["id"], shot=film["SH1"]["id"]
    )
    response = admin.request(method.upper(), url, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


def test_unknown_and_outsider(system, admin, film):
    assert admin.get(f"/data/scenes/{MISSING}/asset-instances").status_code == 404
    assert admin.delete(f"/data/projects/{film['pid']}/entity-links/{MISSING}").status_code == 404
    assert (
        admin.post(
            f"/data/shots/{film['SH1']['id']}/asset-instances", json={"asset_instance_id": MISSING}
        ).status_code
        == 404
    )
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        scene = film["SC1"]["id"]
        assert outsider.get(f"/data/scenes/{scene}/asset-instances").status_code == 403
        assert outsider.get(f"/data/projects/{film['pid']}/entity-links").status_code == 403
        refused = outsider.post(f"/actions/projects/{film['pid']}/delete-entities", json=[])
        assert refused.status_code == 200 and refused.json() == []
        assert outsider.get(f"/data/entities/{film['SH1']['id']}/time-spents").status_code == 403
