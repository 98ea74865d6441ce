"""The mails auth sends: reset and invitation links, password and 2FA notices."""

from urllib.parse import urlencode

from libs.common.mail import send_mail
from libs.common.settings import get_settings


def reset_link(email: str, token: str, kind: str | None = None) -> str:
    params = {"email": email, "token": token}
    if kind:
        params["type"] = kind
    base = get_settings().public_url.rstrip("/")
    return f"{base}/reset-change-password?{urlencode(params)}"


def _hello(person: dict) -> str:
    return f"Hello {person.get('first_name') or ''},\n\n"


async def password_reset(person: dict, link: str, org: str) -> None:
    await send_mail(
        person["email"],
        f"{org} - Kitsu: password recovery",
        _hello(person) + f"To choose a new password, open this link (valid 2 hours):\n{link}\n",
    )


async def invitation(person: dict, link: str, org: str) -> None:
    await send_mail(
        person["email"],
        f"You are invited by {org} to join their Kitsu production tracker",
        _hello(person) + f"To set your password and log in, open this link:\n{link}\n",
    )


async def password_changed(person: dict, org: str, by: dict | None = None) -> None:
    who = f" by {by.get('full_name') or by.get('email')}" if by else ""
    await send_mail(
        person["email"],
        f"{org} - Kitsu: password changed",
        _hello(person) + f"Your password was changed{who}.\n",
    )


async def two_factor_disabled(person: dict, org: str, by: dict) -> None:
    await send_mail(
        person["email"],
        f"{org} - Kitsu: two-factor authentication disabled",
        _hello(person)
        + f"Your two-factor authentication was disabled by {by.get('full_name') or ''}.\n",
    )
