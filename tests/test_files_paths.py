"""A pipeline TD's day with the production's file tree: where the artist's working file
goes, saving revisions, publishing outputs for an asset and for an asset instance in a
scene, and reading a path back into ids."""

import json
import uuid

import pytest

from tests.support.events import EventListener

# Zou's default tree, working and output modes (its typo <OuputType> included).
TREE = {
    "working": {
        "mountpoint": "/simple",
        "root": "productions",
        "folder_path": {
            "shot": "<Project>/shots/<Sequence>/<Shot>/<TaskType>",
            "asset": "<Project>/assets/<AssetType>/<Asset>/<TaskType>",
            "sequence": "<Project>/sequences/<Sequence>/<TaskType>",
            "scene": "<Project>/scenes/<Sequence>/<Scene>/<TaskType>",
            "episode": "<Project>/episodes/<Episode>/<TaskType>",
            "style": "lowercase",
        },
        "file_name": {
            "shot": "<Project>_<Shot>_<TaskType>",
            "asset": "<Project>_<AssetType>_<Asset>_<TaskType>",
            "sequence": "<Project>_<Sequence>_<TaskType>",
            "scene": "<Project>_<Sequence>_<Scene>_<TaskType>",
            "episode": "<Project>_<Episode>_<TaskType>",
            "style": "lowercase",
        },
    },
    "output": {
        "mountpoint": "/simple",
        "root": "productions/export",
        "folder_path": {
            "shot": "<Project>/shots/<Sequence>/<Shot>/<OutputType>",
            "asset": "<Project>/assets/<AssetType>/<Asset>/<OutputType>",
            "sequence": "<Project>/sequences/<Sequence>/<OutputType>",
            "scene": "<Project>/scenes/<Sequence>/<Scene>/<OutputType>",
            "episode": "<Project>/episodes/<Episode>/<OutputType>",
            "style": "lowercase",
        },
        "file_name": {
            "shot": "<Project>_<Sequence>_<Shot>_<OutputType>_<OutputFile>",
            "asset": "<Project>_<AssetType>_<Asset>_<OutputType>_<OutputFile>",
            "sequence": "<Project>_<Sequence>_<OuputType>_<OutputFile>",
            "scene": "<Project>_<Sequence>_<Scene>_<OutputType>_<OutputFile>",
            "episode": "<Project>_<Episode>_<OutputType>_<OutputFile>",
            "style": "lowercase",
        },
    },
}


def tag() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def studio(admin_token, system):
    with system.client(admin_token) as admin:
        d = type("Studio", (), {})()
        d.admin, d.tag = admin, tag()
        d.project = admin.post("/data/projects", json={"name": f"h17-Files {d.tag}"}).json()
        pid = d.project["id"]
        d.slug = f"h17_files_{d.tag}"
        character = admin.get("/data/entity-types", params={"name": "Character"}).json()[0]
        d.asset = admin.post(
            "/data/entities",
            json={"name": "Hero Bob", "project_id": pid, "entity_type_id": character["id"]},
        ).json()
        d.task_type = admin.get("/data/task-types", params={"name": "Modeling"}).json()[0]
        d.task = admin.post(
            f"/actions/projects/{pid}/task-types/{d.task_type['id']}/assets/create-tasks",
            json=[d.asset["id"]],
        ).json()[0]
        d.no_tree = admin.post(f"/data/tasks/{d.task['id']}/working-file-path", json={})
        answer = admin.put(f"/data/projects/{pid}", json={"file_tree": TREE})
        assert answer.status_code == 200, answer.text
        d.output_type = admin.post(
            "/data/output-types", json={"name": f"h17 Geo {d.tag}", "short_name": "geo"}
        ).json()
        d.body = {"output_type_id": d.output_type["id"], "task_type_id": d.task_type["id"]}
        seq = admin.post(f"/data/projects/{pid}/sequences", json={"name": "Seq2"}).json()
        d.shot = admin.post(
            f"/data/projects/{pid}/shots", json={"name": "SH010", "sequence_id": seq["id"]}
        ).json()
        scene = admin.post(
            f"/data/projects/{pid}/scenes", json={"name": "SC1", "sequence_id": seq["id"]}
        ).json()
        d.instance = admin.post(
            f"/data/scenes/{scene['id']}/asset-instances", json={"asset_id": d.asset["id"]}
        ).json()
        yield d


def test_working_file_path_follows_the_tree(studio):
    admin, task = studio.admin, studio.task
    assert studio.no_tree.status_code == 400
    assert studio.no_tree.json() == {
        "message": "No tree can be found for given project.",
        "received_data": {},
    }
    folder = f"/simple/productions/{studio.slug}/assets/character/hero_bob/modeling"
    answer = admin.post(f"/data/tasks/{task['id']}/working-file-path", json={"name": "main"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"path": folder, "name": f"{studio.slug}_character_hero_bob_modeling"}
    windows = admin.post(
        f"/data/tasks/{task['id']}/working-file-path", json={"revision": 3, "sep": "\\"}
    ).json()
    # The mountpoint is kept as written, as Zou does.
    assert windows["path"] == "/simple" + folder[len("/simple") :].replace("/", "\\")
    wrong = admin.post(f"/data/tasks/{task['id']}/working-file-path", json={"mode": "nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {
        "message": "Mode nope cannot be found on given tree.",
        "received_data": {"mode": "nope"},
    }


def test_saving_working_files(studio, system):
    admin, task = studio.admin, studio.task
    url = f"/data/tasks/{task['id']}/working-files/new"
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        saved = admin.post(url, json={"name": "main", "comment": "first"})
        assert saved.status_code == 201, saved.text
        wf = saved.json()
        events.wait_for(
            lambda e: e["name"] == "working-file:new" and e["data"]["working_file_id"] == wf["id"]
        )
    assert wf["type"] == "WorkingFile" and wf["revision"] == 1 and wf["comment"] == "first"
    assert wf["path"] == (
        f"/simple/productions/{studio.slug}/assets/character/hero_bob/modeling/"
        f"{studio.slug}_character_hero_bob_modeling"
    )
    me = admin.get("/auth/authenticated").json()["user"]["id"]
    assert me in admin.get(f"/data/tasks/{task['id']}").json()["assignees"]
    again = admin.post(url, json={"name": "main", "revision": 1})
    assert again.status_code == 400
    assert again.json() == {"error": "The given working file already exists."}
    assert admin.post(url, json={"name": "main"}).json()["revision"] == 2


def test_publishing_outputs_of_an_asset(studio, system):
    admin, asset, body = studio.admin, studio.asset["id"], studio.body
    folder = (
        f"/simple/productions/export/{studio.slug}/assets/character/hero_bob/h17_geo_{studio.tag}"
    )
    name = f"{studio.slug}_character_hero_bob_h17_geo_{studio.tag}_main"
    path = admin.post(f"/data/entities/{asset}/output-file-path", json=body)
    assert path.status_code == 200, path.text
    assert path.json() == {"folder_path": folder, "file_name": name}
    nxt = f"/data/entities/{asset}/output-files/next-revision"
    assert admin.post(nxt, json=body).json() == {"next_revision": 1}
    with EventListener(system.nats_url, system.subject("data.>")) as events:
        made = admin.post(
            f"/data/entities/{asset}/output-files/new",
            json={**body, "extension": ".abc", "nb_elements": 3},
        )
        assert made.status_code == 201, made.text
        first = made.json()
        events.wait_for(
            lambda e: e["name"] == "output-file:new" and e["data"]["output_file_id"] == first["id"]
        )
    assert first["file_name"] == f"{name}_[1-3]" and first["folder_path"] == folder
    assert first["path"] == f"{folder}/{name}_[1-3].abc" and first["revision"] == 1
    again = admin.post(f"/data/entities/{asset}/output-files/new", json={**body, "revision": 1})
    assert again.status_code == 400
    assert again.json() == {"error": "The given output file already exists."}
    second = admin.post(
        f"/data/entities/{asset}/output-files/new", json={**body, "representation": "abc"}
    ).json()
    assert second["revision"] == 2
    assert admin.post(nxt, json=body).json() == {"next_revision": 3}
    last = admin.get(f"/data/entities/{asset}/output-files/last-revisions").json()
    assert {f["id"] for f in last} == {first["id"], second["id"]}
    only = admin.get(
        f"/data/entities/{asset}/output-files/last-revisions", params={"representation": "abc"}
    ).json()
    assert [f["id"] for f in only] == [second["id"]]
    [used] = admin.get(f"/data/entities/{asset}/output-types").json()
    assert used["id"] == studio.output_type["id"] and used["type"] == "OutputType"
    files = admin.get(f"/data/entities/{asset}/output-types/{used['id']}/output-files").json()
    assert [f["id"] for f in files] == [second["id"], first["id"]]


def test_publishing_outputs_of_an_asset_instance(studio):
    admin, body = studio.admin, studio.body
    base = f"/data/asset-instances/{studio.instance['id']}/entities/{studio.shot['id']}"
    made = admin.post(f"{base}/output-files/new", json=body)
    # The default tree has no instance templates. Zou answers 500 after storing the file;
    # we refuse with a 400 and store nothing.
    assert made.status_code == 400, made.text
    assert "template" in made.json()["error"]
    unknown = admin.post(f"{base}/output-file-path", json=body)
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "", "received_data": body}
    tree = json.loads(json.dumps(TREE))
    tree["output"]["folder_path"]["instance"] = (
        "<Project>/shots/<Sequence>/<Shot>/<Asset>_<Instance>"
    )
    tree["output"]["file_name"]["instance"] = "<Shot>_<Asset>_<Instance>_v<Version>"
    admin.put(f"/data/projects/{studio.project['id']}", json={"file_tree": tree})
    export = f"/simple/productions/export/{studio.slug}"
    path = admin.post(f"{base}/output-file-path", json={**body, "revision": 2}).json()
    assert path == {
        "folder_path": f"{export}/shots/s002/sh010/hero_bob_hero_bob_0001",
        "file_name": "sh010_hero_bob_hero_bob_0001_v002",
    }
    made = admin.post(f"{base}/output-files/new", json=body)
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["asset_instance_id"] == studio.instance["id"]
    assert out["temporal_entity_id"] == studio.shot["id"]
    assert out["file_name"] == "sh010_hero_bob_hero_bob_0001_v001"
    assert admin.post(f"{base}/output-files/next-revision", json=body).json() == {
        "next_revision": 2
    }
    assert [f["id"] for f in admin.get(f"{base}/output-files/last-revisions").json()] == [out["id"]]
    assert [t["id"] for t in admin.get(f"{base}/output-types").json()] == [body["output_type_id"]]
    listed = admin.get(f"{base}/output-types/{body['output_type_id']}/output-files").json()
    assert [f["id"] for f in listed] == [out["id"]]
    every = admin.get(f"/data/asset-instances/{studio.instance['id']}/output-files").json()
    assert [f["id"] for f in every] == [out["id"]]
    admin.put(f"/data/projects/{studio.project['id']}", json={"file_tree": TREE})


def test_guess_from_path(studio):
    admin, pid = studio.admin, studio.project["id"]
    for spelling in ("guess_from_path", "guess-from-path"):
        answer = admin.post(
            f"/data/entities/{spelling}",
            json={
                "project_id": pid,
                "file_path": f"/simple/productions/{studio.slug}/assets/character/hero_bob/x",
            },
        )
        assert answer.status_code == 200, answer.text
        # The project's name has a dash the path cannot carry: Zou stops at the project.
        assert answer.json() == [{"Template": "asset"}]
    elsewhere = {"project_id": pid, "file_path": "/elsewhere/x"}
    assert admin.post("/data/entities/guess-from-path", json=elsewhere).json() == []


def test_a_vendor_reaches_only_the_entities_of_their_tasks(studio, system):
    admin, password = studio.admin, "h17-Vendor-pass-1"
    vendor = admin.post(
        "/data/persons",
        json={
            "email": f"h17-vendor-{tag()}@example.com",
            "first_name": "Ven",
            "last_name": "Dor",
            "role": "vendor",
        },
    ).json()
    admin.post(
        f"/actions/persons/{vendor['id']}/change-password",
        json={"password": password, "password_2": password},
    )
    admin.post(f"/data/projects/{studio.project['id']}/team", json={"person_id": vendor["id"]})
    url = f"/data/tasks/{studio.task['id']}/working-file-path"
    with system.client(system.login(vendor["email"], password)) as client:
        assert client.post(url, json={}).status_code == 403
        admin.put(f"/actions/tasks/{studio.task['id']}/assign", json={"person_id": vendor["id"]})
        assert client.post(url, json={}).status_code == 200


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("POST", "/data/tasks/nope/working-file-path", {}, 400),
        ("POST", "/data/tasks/{task}/working-file-path", {"revision": "x"}, 400),
        ("POST", f"/data/tasks/{uuid.uuid4()}/working-file-path", {}, 404),
        ("POST", "/data/tasks/{task}/working-files/new", {}, 400),
        ("POST", "/data/tasks/{task}/working-files/new", {"name": "a", "software_id": "x"}, 400),
        ("POST", f"/data/tasks/{uuid.uuid4()}/working-files/new", {"name": "a"}, 404),
        ("POST", "/data/entities/{asset}/output-file-path", {}, 400),
        ("POST", f"/data/entities/{uuid.uuid4()}/output-file-path", "{body}", 404),
        ("POST", "/data/entities/{asset}/output-files/new", {"output_type_id": "x"}, 400),
        ("POST", "/data/entities/{asset}/output-files/new", "{ghost_type}", 400),
        ("POST", "/data/entities/{asset}/output-files/next-revision", {}, 400),
        ("GET", "/data/entities/{asset}/output-files/last-revisions?task_type_id=x", None, 400),
        ("GET", "/data/entities/nope/output-types", None, 400),
        ("GET", f"/data/entities/{{asset}}/output-types/{uuid.uuid4()}/output-files", None, 404),
        ("POST", "{inst}/output-file-path", {}, 400),
        ("POST", "{inst}/output-files/new", {}, 400),
        ("POST", "{inst}/output-files/next-revision", {"name": 3}, 400),
        ("GET", "{inst}/output-files/last-revisions?output_type_id=x", None, 400),
        (
            "GET",
            f"/data/asset-instances/{uuid.uuid4()}/entities/{uuid.uuid4()}/output-types",
            None,
            404,
        ),
        ("GET", "{inst}/output-types/nope/output-files", None, 400),
        ("GET", "/data/asset-instances/nope/output-files", None, 400),
        ("POST", "/data/entities/guess_from_path", {"project_id": "x", "file_path": "/a"}, 400),
        ("POST", "/data/entities/guess-from-path", {"file_path": ""}, 400),
    ],
)
def test_bad_input_is_refused(studio, method, path, body, status):
    inst = f"/data/asset-instances/{studio.instance['id']}/entities/{studio.shot['id']}"
    url = path.format(task=studio.task["id"], asset=studio.asset["id"], inst=inst)
    if body == "{body}":
        body = studio.body
    elif body == "{ghost_type}":
        body = {**studio.body, "output_type_id": str(uuid.uuid4())}
    answer = studio.admin.request(method, url, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json().get("message") or answer.json().get("error")
