"""Notifications follow the ledger: queued per chosen channel, retried, never duplicated."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lumbung.portal.gateways import GatewayError
from lumbung.portal.models import MemberCredential, Notification
from lumbung.portal.notifications import notifications_deliver, notifications_queue
from lumbung.portal.selectors import feed_items
from tests.portal.conftest import deposit

SENT: list[tuple[str, str, str]] = []


class FlakyGateway:
    """Refuses the first two messages, then takes everything."""

    failures = 2

    def send(self, *, channel: str, address: str, text: str) -> None:
        if FlakyGateway.failures:
            FlakyGateway.failures -= 1
            raise GatewayError("provider busy")
        SENT.append((channel, address, text))


@pytest.fixture
def flaky():
    SENT.clear()
    FlakyGateway.failures = 2
    with override_settings(LUMBUNG_MESSAGE_GATEWAY="tests.portal.test_notifications.FlakyGateway"):
        yield SENT


def test_each_posting_is_queued_once_per_chosen_channel(members, city, flaky):
    MemberCredential.objects.filter(member=members["siti"]).update(
        notify_sms=True, notify_email=True, email="siti@example.id")
    deposit(city.coop_a, members["siti"], 75_000_00, text="Setoran tunai di kantor")
    deposit(city.coop_a, members["budi"], 10_00)  # Budi chose no outside channel
    assert notifications_queue(cooperative=city.coop_a) == 2
    assert notifications_queue(cooperative=city.coop_a) == 0
    assert sorted(Notification.objects.values_list("channel", "address")) == [
        ("email", "siti@example.id"), ("sms", "081234567001")]
    assert "Setoran tunai di kantor +Rp75.000,00" in Notification.objects.first().text


def test_a_refused_message_is_retried_later_and_then_sent(members, city, flaky):
    MemberCredential.objects.filter(member=members["siti"]).update(notify_whatsapp=True)
    deposit(city.coop_a, members["siti"], 1_00)
    deposit(city.coop_a, members["siti"], 2_00)
    notifications_queue(cooperative=city.coop_a)
    assert notifications_deliver() == {"sent": 0, "retry": 2, "failed": 0}
    assert notifications_deliver() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    Notification.objects.update(next_attempt_at="2000-01-01T00:00:00Z")
    assert notifications_deliver() == {"sent": 2, "retry": 0, "failed": 0}
    assert [s[0] for s in flaky] == ["whatsapp", "whatsapp"]
    assert set(Notification.objects.values_list("attempts", flat=True)) == {2}


def test_the_in_app_feed_shows_everything_even_with_every_channel_off(members, city):
    MemberCredential.objects.filter(member=members["siti"]).update(
        notify_sms=False, notify_whatsapp=False, notify_email=False)
    deposit(city.coop_a, members["siti"], 1_00)
    assert len(feed_items(cooperative_id=city.coop_a.pk, member_id=members["siti"].pk)) == 1
    assert notifications_queue(cooperative=city.coop_a) == 0
