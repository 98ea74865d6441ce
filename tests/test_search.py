"""Search: persons, assets and shots whose names contain the query, in Zou's shape."""

from tests.support.studio import first, make, tag


def test_search_finds_assets_and_people(admin):
    word = f"zq{tag()}"
    project = make(admin, "/data/projects", {"name": f"search-{tag()}"})
    character = first(admin, "/data/entity-types", name="Character")
    asset = make(
        admin,
        "/data/entities",
        {"name": f"hero-{word}", "project_id": project["id"], "entity_type_id": character["id"]},
    )
    person = make(
        admin,
        "/data/persons",
        {"first_name": "Ann", "last_name": word, "email": f"{word}@example.com"},
    )
    found = admin.post("/data/search", json={"query": word})
    assert found.status_code == 200, found.text
    found = found.json()
    assert [a["id"] for a in found["assets"]] == [asset["id"]]
    hit = found["assets"][0]
    assert hit["project_name"] == project["name"] and hit["asset_type_name"] == "Character"
    assert hit["type"] == "Asset" and hit["matched_terms"] == [word]
    assert [p["id"] for p in found["persons"]] == [person["id"]]
    assert found["shots"] == []
    only = admin.post("/data/search", json={"query": word, "index_names": ["persons"]}).json()
    assert set(only) == {"persons"}
    assert admin.post("/data/search", json={"query": "ab"}).json() == {}

    for body in ({}, {"query": word, "limit": 0}, {"query": word, "project_id": "x"}):
        refused = admin.post("/data/search", json=body)
        assert refused.status_code == 400, body
        assert refused.json()["message"] == "Validation error."
