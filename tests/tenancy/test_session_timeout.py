"""Staff sessions end after LUMBUNG_STAFF_IDLE_SECONDS without activity."""

from __future__ import annotations

import time

from django.test import Client

from lumbung.tenancy.middleware import LAST_SEEN_KEY


def test_an_idle_staff_session_is_logged_out(city, settings):
    client = Client()
    client.force_login(city.accountant_a)
    assert client.get("/k/ksp-a/jurnal/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.LUMBUNG_STAFF_IDLE_SECONDS - 1
    session.save()
    response = client.get("/k/ksp-a/jurnal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays(city, settings):
    client = Client()
    client.force_login(city.accountant_a)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.LUMBUNG_STAFF_IDLE_SECONDS + 60
    session.save()
    assert client.get("/k/ksp-a/jurnal/").status_code == 200
    assert client.session["_auth_user_id"] == str(city.accountant_a.pk)
