"""The auth schema: credentials and the login identity kept from data's person events."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common.columns import base_columns
from libs.common.events import event_tables
from libs.common.people import people_table

metadata = sa.MetaData(schema="auth")
outbox, inbox = event_tables(metadata)
people = people_table(metadata)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("person_id", sa.Uuid, primary_key=True),
    sa.Column("password_hash", sa.LargeBinary),
    # A bot's long-lived API token id (Zou's person.jti).
    sa.Column("api_jti", sa.String(60), unique=True),
    sa.Column("totp_secret", sa.String(32)),
    sa.Column("email_otp_secret", sa.String(32)),
    sa.Column("fido_credentials", postgresql.ARRAY(postgresql.JSONB)),
    sa.Column("otp_recovery_codes", postgresql.ARRAY(sa.LargeBinary)),
    sa.Column("login_failed_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_login_failed", sa.DateTime),
    sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
)

# Every token handed out to a person, so a password change or a deactivation can revoke
# all of that person's sessions by jti.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("jti", sa.String(60), primary_key=True),
    sa.Column("person_id", sa.Uuid, nullable=False, index=True),
    # The refresh token's jti: a login and every access token refreshed from it.
    sa.Column("family", sa.String(60), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

# Single-use codes that expire: password reset tokens, email OTP counters, app-login codes.
# `value` holds a digest where the code itself is a secret.
one_time_codes = sa.Table(
    "one_time_codes",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

# Zou's login_log: one row per successful login, for admins' /data/events/login-logs/last.
login_log = sa.Table(
    "login_log",
    metadata,
    *base_columns(),
    sa.Column("person_id", sa.Uuid, nullable=False, index=True),
    sa.Column("ip_address", sa.String(50)),
    sa.Column("origin", sa.String(10)),
    sa.Index("ix_auth_login_log_created_at", "created_at"),
)
