"""The counter's screen that sets or resets a member's PIN."""

from __future__ import annotations

from lumbung.audit.models import AuditEvent
from lumbung.portal.models import MemberCredential
from lumbung.portal.services import member_login
from tests.portal.conftest import make_member


def test_a_teller_sets_a_pin_and_the_member_logs_in_with_it(city, as_user):
    member = make_member(city.coop_a, 31, "Rahmat")
    response = as_user(city.teller_a).post(
        "/k/ksp-a/pin-anggota/", {"number": "31", "pin": "730519", "pin_again": "730519"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="portal.pin.set", cooperative=city.coop_a).count() == 1
    assert member_login(cooperative=city.coop_a, identifier="31", pin="730519",
                        device_id="d").member == member
    assert "Rahmat" in as_user(city.teller_a).get("/k/ksp-a/pin-anggota/").text


def test_a_weak_or_mistyped_pin_is_refused_and_nothing_is_written(city, as_user):
    make_member(city.coop_a, 31, "Rahmat")
    client = as_user(city.teller_a)
    for pin, again, code in (("123456", "123456", "PORTAL_PIN_FORMAT"),
                             ("730519", "730518", "BAD_INPUT"), ("730519", "730519", None)):
        number = "31" if code else "32"
        page = client.post("/k/ksp-a/pin-anggota/",
                           {"number": number, "pin": pin, "pin_again": again}, follow=True)
        assert (code or "NOT_FOUND") in page.text
    assert not MemberCredential.objects.exists()


def test_the_wrong_role_gets_403_and_another_cooperative_404_with_nothing_written(city, as_user):
    make_member(city.coop_a, 31, "Rahmat")
    data = {"number": "31", "pin": "730519", "pin_again": "730519"}
    assert as_user(city.accountant_a).post("/k/ksp-a/pin-anggota/", data).status_code == 403
    assert as_user(city.analyst_a).post("/k/ksp-a/pin-anggota/", data).status_code == 403
    assert as_user(city.teller_b).post("/k/ksp-a/pin-anggota/", data).status_code == 404
    assert as_user(city.teller_b).post("/k/kspps-b/pin-anggota/", data,
                                       follow=True).status_code == 200
    assert not MemberCredential.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="portal.").exists()
