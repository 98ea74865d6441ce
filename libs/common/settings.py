"""The one settings class: every knob of every service, read from PRODTRACK_* variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("auth", "data", "importer", "media", "reporting")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRODTRACK_", extra="ignore")

    # Where the system keeps its files (keys, embedded servers' data, media).
    data_dir: Path = Path("./var")

    # Unset means "use the embedded servers that `prodtrack up` starts".
    database_url: str | None = None
    nats_url: str | None = None
    # Any service can move to its own database server.
    auth_database_url: str | None = None
    data_database_url: str | None = None
    importer_database_url: str | None = None
    media_database_url: str | None = None
    reporting_database_url: str | None = None

    # Internal base URLs of the services, as the gateway and the services reach them.
    auth_url: str = "http://127.0.0.1:8081"
    data_url: str = "http://127.0.0.1:8082"
    importer_url: str = "http://127.0.0.1:8083"
    media_url: str = "http://127.0.0.1:8084"
    reporting_url: str = "http://127.0.0.1:8085"

    stream_name: str = "PRODTRACK"
    # Subjects are `<prefix>.<service>.<entity>.<action>`; tests use their own prefix.
    subject_prefix: str = "prodtrack"
    revocation_bucket: str = "prodtrack-revoked"
    # Suffix for durable consumer names, so two systems can share one NATS in tests.
    instance: str = "main"

    jwt_private_key_path: Path | None = None
    jwt_public_key_path: Path | None = None
    access_token_minutes: int = 60 * 24 * 7
    refresh_token_days: int = 15

    admin_email: str | None = None
    admin_password: str | None = None

    # Connections each service may hold (pool + overflow): five services must stay well
    # under PostgreSQL's default of 100 clients. Kept connections cover a busy service's
    # usual need: an overflow one is closed when returned, and opening one costs
    # PostgreSQL a new backend.
    db_pool_size: int = 10
    db_max_overflow: int = 5

    log_level: str = "info"
    access_log: bool = True
    cors_origins: str = "*"

    default_locale: str = "en_US"
    default_timezone: str = "Europe/Paris"
    enforce_2fa: bool = False
    preview_accounts_enabled: bool = True
    max_body_mb: int = 2048

    # Passwords (auth). 12 is Zou's cost, so hashes taken over from Zou cost the same;
    # tests lower it to run faster.
    bcrypt_rounds: int = 12
    min_password_length: int = 8
    # Where users open Kitsu: the links in reset and invitation mails point there.
    public_url: str = "http://localhost:8080"
    # Emails whose password nobody else may change or reset (";"-separated, as Zou).
    protected_accounts: str = ""
    # Emails spared by the enforced-2FA rule (","-separated, as Zou's 2FA_EXEMPT_USERS).
    two_fa_exempt_users: str = ""

    # Outgoing mail. No host: messages are written to the log instead. `smtp_tls` is
    # STARTTLS on a plain connection; `smtp_ssl` opens the connection in TLS (port 465).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_tls: bool = False
    smtp_ssl: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_sender: str = "no-reply@prodtrack.local"
    smtp_timeout: float = 10

    # Failed logins per client address at the gateway (429 past the limit; 0 turns it off).
    login_failures_per_address: int = 20
    login_failures_window_seconds: int = 60

    def database_url_for(self, service: str) -> str:
        url = getattr(self, f"{service}_database_url", None) or self.database_url
        if not url:
            raise RuntimeError("PRODTRACK_DATABASE_URL is not set")
        return url

    def service_url(self, service: str) -> str:
        return getattr(self, f"{service}_url")

    @property
    def protected(self) -> set[str]:
        return {e.strip().lower() for e in self.protected_accounts.split(";") if e.strip()}

    @property
    def exempt_from_2fa(self) -> set[str]:
        return {e.strip().lower() for e in self.two_fa_exempt_users.split(",") if e.strip()}

    @property
    def private_key_path(self) -> Path:
        return self.jwt_private_key_path or self.data_dir / "keys" / "jwt-ed25519.pem"

    @property
    def public_key_path(self) -> Path:
        return self.jwt_public_key_path or self.data_dir / "keys" / "jwt-ed25519.pub.pem"


@lru_cache
def get_settings() -> Settings:
    return Settings()
