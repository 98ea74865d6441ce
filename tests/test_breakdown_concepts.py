"""Art direction browses a production's concepts."""

from tests.test_breakdown import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


def test_concept_lists_views_and_removal(system, admin):
    pid = admin.post("/data/projects", json={"name": f"h11-art-{tag()}"}).json()["id"]
    types = {t["name"]: t["id"] for t in admin.get("/data/entity-types").json()}
    concept = admin.post(
        "/data/entities",
        json={"name": "mood", "project_id": pid, "entity_type_id": types["Concept"]},
    )
    assert concept.status_code == 201, concept.text
    cid = concept.json()["id"]
    listed = admin.get(f"/data/projects/{pid}/concepts").json()
    assert [(c["id"], c["type"]) for c in listed] == [(cid, "Concept")]
    assert [c["id"] for c in admin.get("/data/concepts", params={"project_id": pid}).json()] == [
        cid
    ]
    one = admin.get(f"/data/concepts/{cid}").json()
    assert (one["name"], one["tasks"], one["entity_concept_links"]) == ("mood", [], [])
    assert admin.get(f"/data/concepts/{cid}/tasks").json() == []
    assert admin.get(f"/data/concepts/{cid}/task-types").json() == []
    assert admin.get(f"/data/concepts/{cid}/preview-files").json() == {}
    assert admin.get("/data/concepts/nope").status_code == 400
    assert admin.get(f"/data/concepts/{MISSING}").status_code == 404
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(f"/data/concepts/{cid}").status_code == 403
        assert outsider.get(f"/data/projects/{pid}/concepts").status_code == 403
        assert outsider.delete(f"/data/concepts/{cid}").status_code == 403
    assert admin.delete(f"/data/concepts/{cid}").status_code == 204
    assert admin.get(f"/data/concepts/{cid}").status_code == 404
