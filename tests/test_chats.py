"""Entity chats: a supervisor opens an asset's chat, joins, posts, reads, leaves."""

from tests.support.events import EventListener
from tests.support.studio import first, make, tag


def test_entity_chat_round_trip(system, admin):
    project = make(admin, "/data/projects", {"name": f"chat-{tag()}"})
    character = first(admin, "/data/entity-types", name="Character")
    asset = make(
        admin,
        "/data/entities",
        {"name": f"a-{tag()}", "project_id": project["id"], "entity_type_id": character["id"]},
    )
    base = f"/data/entities/{asset['id']}/chat"
    opened = admin.get(base)
    assert opened.status_code == 200, opened.text
    chat = opened.json()
    assert (chat["object_id"], chat["participants"], chat["messages"]) == (asset["id"], [], [])
    assert admin.get(base).json()["id"] == chat["id"]  # one chat per entity

    refused = admin.post(f"{base}/messages", json={"message": "hi"})
    assert refused.status_code == 400
    assert refused.json()["message"] == "You are not a participant of this chat"

    with EventListener(system.nats_url, system.subject("data.>")) as events:
        joined = admin.post(f"/actions/user/chats/{asset['id']}/join")
        assert joined.status_code == 200 and joined.json()["type"] == "Chat"
        posted = admin.post(f"{base}/messages", json={"message": "hello"})
        assert posted.status_code == 201, posted.text
        message = posted.json()
        assert (message["text"], message["type"]) == ("hello", "ChatMessage")
        events.wait_for(
            lambda e: (
                e["name"] == "chat:new-message" and e["data"]["chat_message_id"] == message["id"]
            )
        )
    listed = admin.get(f"{base}/messages").json()
    assert [(m["id"], m["attachment_files"]) for m in listed] == [(message["id"], [])]
    assert admin.get(f"{base}/messages/{message['id']}").json()["text"] == "hello"
    mine = admin.get("/data/user/chats").json()
    entry = next(c for c in mine if c["id"] == chat["id"])
    assert entry["entity_name"] == f"Character / {asset['name']}"
    assert entry["last_message"] is not None

    assert admin.delete(f"{base}/messages/{message['id']}").status_code == 204
    assert admin.get(f"{base}/messages").json() == []
    assert admin.delete(f"/actions/user/chats/{asset['id']}/join").status_code == 204
    assert admin.get(base).json()["participants"] == []

    assert admin.post(f"{base}/messages", json={}).status_code == 400
    assert admin.get("/data/entities/nope/chat").status_code == 400
    zero = "00000000-0000-0000-0000-000000000000"
    assert admin.get(f"/data/entities/{zero}/chat").status_code == 404
    assert admin.get(f"{base}/messages/{zero}").status_code == 404
