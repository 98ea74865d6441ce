"""Art direction browses a production's concepts."""

import pytest

from tests.support.events import EventListener
from tests.support.studio import person_token, tag

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


@pytest.fixture(scope="module")
def art(system, admin_token):
    with system.client(admin_token) as admin:
        project = admin.post("/data/projects", json={"name": f"h14-art-{tag()}"}).json()
        folder = admin.post(
            f"/data/projects/{project['id']}/concept-folders", json={"name": "props"}
        )
        assert folder.status_code == 201, folder.text
        return {"project": project, "folder": folder.json()}


def test_concepts_are_filed_in_folders(system, admin, art):
    pid, folder = art["project"]["id"], art["folder"]
    assert (folder["type"], folder["name"], folder["data"]) == ("ConceptFolder", "props", None)
    again = admin.post(f"/data/projects/{pid}/concept-folders", json={"name": "props"})
    assert again.json()["id"] == folder["id"]
    listed = admin.get(f"/data/projects/{pid}/concept-folders").json()
    assert [f["id"] for f in listed] == [folder["id"]]
    concept = admin.post(f"/data/projects/{pid}/concepts", json={"name": "cup"})
    assert concept.status_code == 201, concept.text
    assert (concept.json()["type"], concept.json()["entity_concept_links"]) == ("Concept", [])
    cid = concept.json()["id"]
    with EventListener(system.nats_url, system.subject(">")) as events:
        moved = admin.post(
            f"/actions/projects/{pid}/move-concepts",
            json={"concept_ids": [cid], "concept_folder_id": folder["id"]},
        )
        assert moved.json() == [cid]
        events.wait_for(lambda e: e["name"] == "concept:update" and e["data"]["concept_id"] == cid)
    board = admin.get("/data/concepts/with-tasks", params={"project_id": pid}).json()
    assert [(c["id"], c["parent_id"], c["tasks"]) for c in board] == [(cid, folder["id"], [])]
    renamed = admin.put(f"/data/concept-folders/{folder['id']}", json={"name": "sets"})
    assert renamed.json()["name"] == "sets"
    other = admin.post(f"/data/projects/{pid}/concept-folders", json={"name": "other"}).json()
    clash = admin.put(f"/data/concept-folders/{other['id']}", json={"name": "sets"})
    assert clash.status_code == 400
    assert admin.delete(f"/data/concept-folders/{other['id']}").status_code == 204
    assert admin.get(f"/data/concepts/{cid}").json()["parent_id"] == folder["id"]


def test_concept_folders_refuse_bad_input_and_outsiders(system, admin, art):
    pid, fid = art["project"]["id"], art["folder"]["id"]
    assert admin.post(f"/data/projects/{pid}/concept-folders", json={}).status_code == 400
    assert (
        admin.post(f"/data/projects/{MISSING}/concept-folders", json={"name": "x"}).status_code
        == 404
    )
    assert admin.get("/data/projects/nope/concept-folders").status_code == 400
    assert admin.put(f"/data/concept-folders/{fid}", json={"name": 3}).status_code == 400
    assert admin.put(f"/data/concept-folders/{MISSING}", json={"name": "x"}).status_code == 404
    assert admin.delete("/data/concept-folders/nope").status_code == 400
    bad_move = admin.post(f"/actions/projects/{pid}/move-concepts", json={"concept_ids": "x"})
    assert bad_move.status_code == 400 and "concept_ids" in bad_move.json()["message"]
    no_folder = admin.post(
        f"/actions/projects/{pid}/move-concepts",
        json={"concept_ids": [], "concept_folder_id": MISSING},
    )
    assert no_folder.status_code == 404
    bad_concept = admin.post(f"/data/projects/{pid}/concepts", json={"name": "c", "parent_id": "x"})
    assert bad_concept.status_code == 400
    assert admin.post(f"/data/projects/{pid}/concepts", json={}).status_code == 400
    assert admin.get("/data/concepts/with-tasks", params={"project_id": "x"}).status_code == 400
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(f"/data/projects/{pid}/concept-folders").status_code == 403
        assert (
            outsider.post(f"/data/projects/{pid}/concepts", json={"name": "x"}).status_code == 403
        )
        assert outsider.put(f"/data/concept-folders/{fid}", json={"name": "y"}).status_code == 403
        assert (
            outsider.get("/data/concepts/with-tasks", params={"project_id": pid}).status_code == 403
        )
