"""Knobs of the auth service only (PRODTRACK_* variables, like the shared settings)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRODTRACK_", extra="ignore")

    min_password_length: int = 8
    # Where users open Kitsu: the links in reset and invitation mails point there.
    public_url: str = "http://localhost:8080"
    # Emails whose password nobody else may change or reset (";"-separated, as Zou).
    protected_accounts: str = ""
    # Emails spared by the enforced-2FA rule (","-separated, as Zou's 2FA_EXEMPT_USERS).
    two_fa_exempt_users: str = ""

    @property
    def protected(self) -> set[str]:
        return {e.strip().lower() for e in self.protected_accounts.split(";") if e.strip()}

    @property
    def exempt_from_2fa(self) -> set[str]:
        return {e.strip().lower() for e in self.two_fa_exempt_users.split(",") if e.strip()}


@lru_cache
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
