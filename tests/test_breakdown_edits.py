"""An editorial team looks at the edits of an episode."""

import pytest

from tests.support.studio import person_token, tag

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def cut(system, admin_token):
    with system.client(admin_token) as admin:
        show = admin.post(
            "/data/projects", json={"name": f"h11-cut-{tag()}", "production_type": "tvshow"}
        ).json()
        edit = admin.post(
            f"/data/projects/{show['id']}/edits",
            json={"name": "ED01", "episode_id": show["first_episode_id"]},
        )
        assert edit.status_code == 201, edit.text
        return {"show": show, "edit": edit.json()}


def test_edit_lists_and_views(admin, cut):
    show, edit = cut["show"], cut["edit"]
    listed = admin.get("/data/edits", params={"project_id": show["id"]}).json()
    assert [(e["name"], e["project_name"], e["type"]) for e in listed] == [
        ("ED01", show["name"], "Edit")
    ]
    assert [e["id"] for e in admin.get("/data/edits/all").json()].count(edit["id"]) == 1
    one = admin.get(f"/data/edits/{edit['id']}").json()
    assert (one["episode_id"], one["episode_name"], one["project_name"], one["tasks"]) == (
        show["first_episode_id"],
        "E01",
        show["name"],
        [],
    )
    episode = show["first_episode_id"]
    assert [e["id"] for e in admin.get(f"/data/episodes/{episode}/edits").json()] == [edit["id"]]
    assert admin.get(f"/data/episodes/{episode}/edit-tasks").json() == []
    for path, empty in (("tasks", []), ("task-types", []), ("versions", []), ("preview-files", {})):
        assert admin.get(f"/data/edits/{edit['id']}/{path}").json() == empty


def test_edits_refuse_bad_unknown_and_outsiders(system, admin, cut):
    assert admin.get("/data/edits", params={"project_id": "nope"}).status_code == 400
    assert admin.get("/data/edits/nope").status_code == 400
    assert admin.get(f"/data/edits/{MISSING}").status_code == 404
    assert admin.get(f"/data/episodes/{MISSING}/edits").status_code == 404
    _, token = person_token(system, admin)
    with system.client(token) as outsider:
        assert outsider.get(f"/data/edits/{cut['edit']['id']}").status_code == 403
        assert outsider.get(f"/data/edits/{cut['edit']['id']}/tasks").status_code == 403
        assert outsider.get("/data/edits", params={"project_id": cut["show"]["id"]}).json() == []
