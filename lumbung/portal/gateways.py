"""Pluggable message gateway for one-time codes and notifications (SMS, WhatsApp, e-mail).

settings.LUMBUNG_MESSAGE_GATEWAY names the class (dotted path). The development backend writes
each message to the `lumbung.portal.messages` log; a production backend (an SMS/WhatsApp
provider) implements the same `send` and raises GatewayError when the provider refuses, so the
notifier retries later.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("lumbung.portal.messages")


class GatewayError(Exception):
    """The provider did not take the message; try again later."""


class MessageGateway(Protocol):
    def send(self, *, channel: str, address: str, text: str) -> None: ...


class LogGateway:
    """Development backend: the message goes to the log, nowhere else."""

    def send(self, *, channel: str, address: str, text: str) -> None:
        logger.warning("[%s → %s] %s", channel, address, text)


def message_gateway() -> MessageGateway:
    gateway: MessageGateway = import_string(settings.LUMBUNG_MESSAGE_GATEWAY)()
    return gateway
