"""Pipeline tools listen to changes with gazu.events, as they do with Zou."""

import threading

import gazu
import pytest
import socketio

from tests.support.system import ADMIN_EMAIL, ADMIN_PASSWORD


def test_gazu_listener_hears_test_event(system, anonymous):
    client = gazu.client.create_client(f"{system.url}/api")
    gazu.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, client=client)
    heard = threading.Event()
    received = {}

    def on_test(data):
        received.update(data)
        heard.set()

    listener = gazu.events.init(client=client)
    try:
        gazu.events.add_listener(listener, "main:test", on_test)
        for _ in range(20):
            assert anonymous.get("/status/test-event").json() == {"success": True}
            if heard.wait(0.5):
                break
        assert heard.is_set(), "gazu.events never heard main:test"
        assert "id" in received
    finally:
        listener.disconnect()


def test_listener_without_token_is_refused(system):
    listener = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        listener.connect(system.url, namespaces=["/events"], wait_timeout=5)
    listener.disconnect()
