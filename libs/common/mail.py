"""Outgoing mail over SMTP. With no SMTP host configured, a message is written to the log
instead, so an installation without mail still gets its reset links and codes."""

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from libs.common.logging import get_logger

log = get_logger(__name__)


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRODTRACK_SMTP_", extra="ignore")

    host: str | None = None
    port: int = 25
    # STARTTLS on a plain connection; `ssl` opens the connection in TLS (port 465).
    tls: bool = False
    ssl: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = "no-reply@prodtrack.local"
    timeout: float = 10


@lru_cache
def get_mail_settings() -> MailSettings:
    return MailSettings()


def build_message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    return message


def _deliver(settings: MailSettings, message: EmailMessage) -> None:
    if settings.ssl:
        client = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.tls and not settings.ssl:
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)


async def send_mail(to: str, subject: str, text: str, settings: MailSettings | None = None) -> bool:
    """Send one plain-text mail; True when the SMTP server took it. Never raises: a mail
    server that is down must not turn a password reset into a server error."""
    settings = settings or get_mail_settings()
    if not settings.host:
        log.info("mail not sent (no SMTP host configured)", to=to, subject=subject, body=text)
        return False
    message = build_message(settings.sender, to, subject, text)
    try:
        await asyncio.to_thread(_deliver, settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail delivery failed", to=to, subject=subject, error=str(exc))
        return False
    log.info("mail sent", to=to, subject=subject)
    return True
