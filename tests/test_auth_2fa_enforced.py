"""A studio that enforces two-factor authentication (PRODTRACK_ENFORCE_2FA): a person who
has not set it up logs in, but the token only reaches the 2FA setup routes until a method
is enabled, as with Zou. This module runs its own system with that setting."""

import uuid

import pyotp
import pytest

from tests.support.infra import fresh_database, nats_server
from tests.support.system import ADMIN_EMAIL, start_system, stop_system

PASSWORD = "enforced-password-1"
# One route of each service (any answer but the 2FA refusal once set up).
ONE_ROUTE_PER_SERVICE = {
    "data": ("GET", "/data/projects"),
    "media": ("GET", f"/pictures/originals/preview-files/{uuid.uuid4()}.png"),
    "importer": ("POST", "/import/kitsu/comments"),
    "reporting": ("GET", "/data/persons/time-spents/year-table"),
    "auth": ("POST", "/auth/app-login/code"),
}


def call(client, route):
    method, path = route
    body = {"code_challenge": "x" * 43} if method == "POST" else None
    return client.request(method, path, json=body)


@pytest.fixture(scope="module")
def system(pg_server, tmp_path_factory):
    extra = {"PRODTRACK_ENFORCE_2FA": "true", "PRODTRACK_TWO_FA_EXEMPT_USERS": ADMIN_EMAIL}
    with fresh_database(pg_server) as database_url, nats_server() as (nats_url, _):
        data_dir = tmp_path_factory.mktemp("enforced-2fa")
        running = start_system(database_url, nats_url, data_dir, extra_env=extra)
        try:
            yield running
        finally:
            stop_system(running)


@pytest.fixture(scope="module")
def admin_token(system):
    return system.login()


def test_unenrolled_user_reaches_only_the_setup_routes(system, admin, anonymous):
    # The exempt admin has a full token: it creates the person.
    assert admin.get("/auth/authenticated").json()["user"]["email"] == ADMIN_EMAIL
    email = f"enforced-{uuid.uuid4().hex[:8]}@example.com"
    created = admin.post(
        "/data/persons",
        json={"first_name": "Ena", "last_name": "Forced", "email": email, "password": PASSWORD},
    )
    assert created.status_code == 201, created.text

    answer = anonymous.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.json()["two_factor_authentication_required"] is True
    limited = answer.json()["access_token"]
    with system.client(limited) as client:
        assert client.get("/auth/authenticated").status_code == 200
        for service, route in ONE_ROUTE_PER_SERVICE.items():
            refused = call(client, route)
            assert refused.status_code == 403, (service, refused.text)
            assert refused.json()["two_factor_authentication_required"] is True
            assert refused.json()["message"].startswith("Two-factor authentication setup")
        assert client.get("/api/data/projects").status_code == 403
        # A refreshed token is limited too.
        refresh = answer.json()["refresh_token"]
        with system.client(refresh) as refresher:
            again = refresher.get("/auth/refresh-token").json()["access_token"]
        with system.client(again) as refreshed:
            assert refreshed.get("/data/projects").status_code == 403

        started = client.put("/auth/totp")
        assert started.status_code == 200, started.text
        secret = started.json()["otp_secret"]
        assert client.post("/auth/totp", json={}).status_code == 400
        enabled = client.post("/auth/totp", json={"totp": pyotp.TOTP(secret).now()})
        assert enabled.status_code == 200, enabled.text
        full = enabled.json()["access_token"]
    with system.client(full) as client:
        for service, route in ONE_ROUTE_PER_SERVICE.items():
            answer = call(client, route)
            assert answer.status_code != 401, (service, answer.text)
            assert "two_factor_authentication_required" not in answer.text, service
        # The full token's user context is now kept (by data and by the gateway)...
        assert client.get("/data/user/context").status_code == 200
        assert client.get("/data/user/context").status_code == 200
    # ...and is never handed to the same person's limited token.
    with system.client(limited) as client:
        assert client.get("/data/user/context").status_code in (401, 403)
    # Enrolled: the next login asks for the code and then gives a full token.
    missing = anonymous.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert missing.json()["missing_OTP"] is True
    body = {"email": email, "password": PASSWORD, "totp": pyotp.TOTP(secret).now()}
    logged = anonymous.post("/auth/login", json=body)
    assert logged.status_code == 200
    assert "two_factor_authentication_required" not in logged.json()
