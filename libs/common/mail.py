"""Outgoing mail over SMTP. With no SMTP host configured, a message is written to the log
instead, so an installation without mail still gets its reset links and codes."""

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

from libs.common.logging import get_logger
from libs.common.settings import Settings, get_settings

log = get_logger(__name__)


def build_message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    return message


def _deliver(settings: Settings, message: EmailMessage) -> None:
    if settings.smtp_ssl:
        client = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.smtp_timeout,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    with client:
        if settings.smtp_tls and not settings.smtp_ssl:
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password or "")
        client.send_message(message)


async def send_mail(to: str, subject: str, text: str, settings: Settings | None = None) -> bool:
    """Send one plain-text mail; True when the SMTP server took it. Never raises: a mail
    server that is down must not turn a password reset into a server error."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        log.info("mail not sent (no SMTP host configured)", to=to, subject=subject, body=text)
        return False
    message = build_message(settings.smtp_sender, to, subject, text)
    try:
        await asyncio.to_thread(_deliver, settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail delivery failed", to=to, subject=subject, error=str(exc))
        return False
    log.info("mail sent", to=to, subject=subject)
    return True
