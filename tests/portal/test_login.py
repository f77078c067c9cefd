"""Login with member number or phone and PIN; lockout; one-time code; device-bound sessions."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.portal.access import CHALLENGE_COOKIE, DEVICE_COOKIE, SESSION_COOKIE
from lumbung.portal.calculations import normalize_phone, pin_acceptable
from lumbung.portal.models import MemberCredential, MemberSession
from lumbung.portal.services import login_challenge_answer, member_login, member_pin_set
from tests.portal.conftest import PIN, make_member, member_client


def test_it_accepts_only_six_digit_pins_that_are_hard_to_guess():
    assert pin_acceptable("240817")
    for weak in ("123456", "654321", "111111", "890123", "24081", "2408177", "24o817", "２４０８１７"):
        assert not pin_acceptable(weak), weak


@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_it_refuses_every_repeated_or_running_pin(pin):
    runs = {"".join(str((start + step * i) % 10) for i in range(6))
            for start in range(10) for step in (0, 1, 9)}
    assert pin_acceptable(pin) == (pin not in runs)


def test_it_reads_phone_numbers_in_every_usual_shape():
    assert normalize_phone("+62 812-3456-7001") == "081234567001"
    assert normalize_phone("0812 3456 7001") == "081234567001"
    assert normalize_phone("6281234567001") == "081234567001"
    assert normalize_phone("021-555-1234") == ""
    assert normalize_phone("7") == ""


def test_it_logs_in_by_member_number_or_phone(members, city):
    by_number = member_login(cooperative=city.coop_a, identifier="7", pin=PIN, device_id="d1")
    by_phone = member_login(cooperative=city.coop_a, identifier="+62812-3456-7001", pin=PIN,
                            device_id="d2")
    assert by_number.member == members["siti"] == by_phone.member
    assert by_number.session_token and by_phone.session_token
    # The same number in cooperative B is Wati, never Siti.
    assert member_login(cooperative=city.coop_b, identifier="7", pin=PIN,
                        device_id="d3").member == members["wati"]


def test_it_stores_only_a_hash_of_the_pin_and_of_the_session_token(members, city):
    outcome = member_login(cooperative=city.coop_a, identifier="7", pin=PIN, device_id="d1")
    credential = MemberCredential.objects.get(member=members["siti"])
    assert PIN not in credential.pin_hash
    assert not MemberSession.objects.filter(token_hash=outcome.session_token).exists()


def test_it_refuses_a_wrong_pin_and_an_unknown_number_alike(members, city):
    for identifier, pin in (("7", "907153"), ("99", PIN), ("siti", PIN)):
        with pytest.raises(LumbungError) as refused:
            member_login(cooperative=city.coop_a, identifier=identifier, pin=pin, device_id="d")
        assert refused.value.code == "PORTAL_LOGIN_FAILED"
    assert not MemberSession.objects.exists()


def test_it_locks_the_number_after_five_failures_in_the_window(members, city):
    for _ in range(5):
        with pytest.raises(LumbungError):
            member_login(cooperative=city.coop_a, identifier="7", pin="907153", device_id="d")
    with pytest.raises(LumbungError) as refused:
        member_login(cooperative=city.coop_a, identifier="7", pin=PIN, device_id="d")
    assert refused.value.code == "PORTAL_LOGIN_THROTTLED"
    assert not MemberSession.objects.exists()


@override_settings(LUMBUNG_LOGIN_MAX_FAILURES=100, LUMBUNG_MEMBER_PIN_MAX_FAILURES=3)
def test_it_blocks_the_pin_until_the_counter_resets_it(members, city):
    for _ in range(3):
        with pytest.raises(LumbungError):
            member_login(cooperative=city.coop_a, identifier="7", pin="907153", device_id="d")
    with pytest.raises(LumbungError) as refused:
        member_login(cooperative=city.coop_a, identifier="7", pin=PIN, device_id="d")
    assert refused.value.code == "PORTAL_PIN_BLOCKED"
    assert AuditEvent.objects.filter(action="portal.pin.blocked").count() == 1
    member_pin_set(cooperative=city.coop_a, member=members["siti"], pin="530971",
                   acting_user=city.teller_a)
    assert member_login(cooperative=city.coop_a, identifier="7", pin="530971",
                        device_id="d").session_token


def test_a_session_works_only_on_the_device_it_was_opened_on(members, city):
    client = member_client(city.coop_a, members["siti"], device="hp-siti")
    assert client.get("/m/ksp-a/").status_code == 200
    thief = Client()
    thief.cookies[SESSION_COOKIE] = client.cookies[SESSION_COOKIE].value
    thief.cookies[DEVICE_COOKIE] = "hp-lain"
    response = thief.get("/m/ksp-a/")
    assert response.status_code == 302 and response["Location"] == "/m/ksp-a/masuk/"


def test_a_session_of_one_cooperative_opens_nothing_in_another(members, city):
    client = member_client(city.coop_a, members["siti"])
    assert client.get("/m/kspps-b/").status_code == 302
    assert client.get("/m/tidak-ada/").status_code == 404


def test_staff_login_gives_no_way_into_the_members_app(members, city):
    staff = Client()
    staff.force_login(city.manager_a)
    assert staff.get("/m/ksp-a/").status_code == 302


def test_logout_everywhere_ends_the_sessions_on_every_device(members, city):
    phone = member_client(city.coop_a, members["siti"], device="hp")
    tablet = member_client(city.coop_a, members["siti"], device="tablet")
    budi = member_client(city.coop_a, members["budi"], device="hp-budi")
    phone.post("/m/ksp-a/keluar/", {"everywhere": "1"})
    assert tablet.get("/m/ksp-a/").status_code == 302
    assert budi.get("/m/ksp-a/").status_code == 200


def test_the_login_screen_logs_in_and_sets_a_device_cookie(members, city):
    client = Client()
    page = client.get("/m/ksp-a/masuk/")
    assert page.status_code == 200 and "Masuk aplikasi anggota" in page.text
    assert client.cookies[DEVICE_COOKIE].value
    response = client.post("/m/ksp-a/masuk/", {"identifier": "7", "pin": PIN})
    assert response.status_code == 302 and response["Location"] == "/m/ksp-a/"
    assert client.cookies[SESSION_COOKIE]["path"] == "/m/ksp-a/"
    assert "Siti Aminah" in client.get("/m/ksp-a/").text
    wrong = Client().post("/m/ksp-a/masuk/", {"identifier": "7", "pin": "907153"})
    assert "PORTAL_LOGIN_FAILED" in wrong.text


def test_a_one_time_code_is_sent_through_the_gateway_when_the_member_wants_it(
        members, city, caplog, django_capture_on_commit_callbacks):
    MemberCredential.objects.filter(member=members["siti"]).update(otp_enabled=True)
    client = Client()
    client.get("/m/ksp-a/masuk/")
    with caplog.at_level("WARNING", logger="lumbung.portal.messages"), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/m/ksp-a/masuk/", {"identifier": "7", "pin": PIN})
    assert response["Location"] == "/m/ksp-a/kode/"
    assert not MemberSession.objects.exists()
    sent = re.search(r"\[sms → 081234567001\] Kode masuk Lumbung: (\d{6})", caplog.text)
    assert sent
    wrong = "000000" if sent.group(1) != "000000" else "111111"
    assert "PORTAL_CODE_WRONG" in client.post("/m/ksp-a/kode/", {"otp": wrong}).text
    response = client.post("/m/ksp-a/kode/", {"otp": sent.group(1)})
    assert response["Location"] == "/m/ksp-a/"
    assert client.get("/m/ksp-a/").status_code == 200
    # A code is used once.
    with pytest.raises(LumbungError):
        login_challenge_answer(cooperative=city.coop_a,
                               challenge_token=client.cookies[CHALLENGE_COOKIE].value or "x",
                               code=sent.group(1), device_id=client.cookies[DEVICE_COOKIE].value)


def test_only_members_get_a_pin(members, city):
    candidate = make_member(city.coop_a, 9, "Calon")
    from lumbung.members.models import Member
    Member.objects.filter(pk=candidate.pk).update(status=Member.Status.CANDIDATE, number=None)
    candidate.refresh_from_db()
    for cooperative, member, code in ((city.coop_a, candidate, "PORTAL_NOT_A_MEMBER"),
                                      (city.coop_b, members["siti"], "NOT_FOUND")):
        with pytest.raises(LumbungError) as refused:
            member_pin_set(cooperative=cooperative, member=member, pin=PIN,
                           acting_user=city.teller_a)
        assert refused.value.code == code
    assert not MemberCredential.objects.filter(member=candidate).exists()
