"""KTP photos: optional at registration, cleaned (upright JPEG, no metadata, bounded size), kept
under LUMBUNG_VAR_DIR/media with no URL, shown inline only to staff who may see personal data,
every view audited; refusals keep nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.members.models import Member
from lumbung.members.photos import PHOTO_MAX_SIDE
from lumbung.members.services import member_ktp_photo_set, member_register
from tests.web.conftest import as_user  # noqa: F401

NIK = "3375015708850123"
ANGGOTA = "/k/ksp-a/anggota"


def _image(width=2400, height=1500, fmt="JPEG", exif_gps=True) -> bytes:
    """A photo as a phone takes it: large, with EXIF (a GPS tag and an orientation)."""
    image = Image.new("RGB", (width, height), (200, 180, 150))
    for x in range(0, width, 40):  # something to compress
        image.paste((20, 40, 90), (x, 0, x + 10, height))
    out = io.BytesIO()
    if fmt == "JPEG" and exif_gps:
        exif = Image.Exif()
        exif[0x0112] = 6  # orientation: rotate 90° to be upright
        exif[0x8825] = {2: (6.0, 53.0, 0.0)}  # GPS latitude
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    # `make test` runs the SQLite and PostgreSQL suites side by side: each test keeps its photos
    # in a folder of its own, so counting files sees only its own.
    settings.VAR_DIR = tmp_path


def _media() -> Path:
    return Path(settings.VAR_DIR) / "media" / "ktp"


def _files() -> set[Path]:
    return set(_media().rglob("*.jpg")) if _media().exists() else set()


def _register(city, photo, nik=NIK, name="Dewi Lestari"):
    return member_register(cooperative=city.coop_a, nik=nik, name=name,
                           birth_date=dt.date(1985, 8, 17), gender="P",
                           acting_user=city.teller_a, ktp_photo=photo)


def test_it_keeps_a_clean_upright_jpeg_without_metadata(city):
    before = _files()
    member = _register(city, _image())
    [stored] = _files() - before
    assert member.ktp_photo == stored.relative_to(Path(settings.VAR_DIR) / "media").as_posix()
    assert member.ktp_photo.startswith(f"ktp/{city.coop_a.pk}/") and NIK not in member.ktp_photo
    with Image.open(stored) as kept:
        assert kept.format == "JPEG"
        # Turned upright by its EXIF orientation (2400 x 1500 -> 1500 x 2400), then bounded.
        assert kept.size == (1000, PHOTO_MAX_SIDE)
        assert len(kept.getexif()) == 0
    event = AuditEvent.objects.get(action="members.member.registered")
    assert event.data["ktp_photo"] is True and NIK not in str(event.data)


def test_without_a_photo_nothing_is_stored(city):
    before = _files()
    assert _register(city, None).ktp_photo == ""
    assert _files() == before


@pytest.mark.parametrize(("photo", "code"), [
    (b"%PDF-1.7 not an image", "MEMBER_KTP_NOT_IMAGE"),
    (_image(fmt="GIF", exif_gps=False), "MEMBER_KTP_NOT_IMAGE"),
    (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "MEMBER_KTP_TOO_LARGE"),
])
def test_a_bad_photo_is_refused_and_nothing_is_kept(city, photo, code):
    before = _files()
    with pytest.raises(LumbungError) as error:
        _register(city, photo)
    assert error.value.code == code
    assert Member.objects.count() == 0 and _files() == before


def test_a_refused_registration_leaves_no_photo_behind(city):
    _register(city, None)
    before = _files()
    with pytest.raises(LumbungError) as error:
        _register(city, _image(), name="Dewi Lagi")
    assert error.value.code == "MEMBER_NIK_TAKEN"
    assert _files() == before


def test_a_new_photo_replaces_the_old_one(city, django_capture_on_commit_callbacks):
    member = _register(city, _image())
    old = _media().parent / member.ktp_photo
    with django_capture_on_commit_callbacks(execute=True):
        member_ktp_photo_set(cooperative=city.coop_a, member=member,
                             ktp_photo=_image(800, 500, "PNG"), acting_user=city.teller_a)
    member.refresh_from_db()
    assert not old.exists() and (_media().parent / member.ktp_photo).exists()
    assert AuditEvent.objects.filter(action="members.ktp_photo.uploaded").count() == 1
    with pytest.raises(LumbungError) as other:
        member_ktp_photo_set(cooperative=city.coop_b, member=member, ktp_photo=_image(),
                             acting_user=city.teller_b)
    assert other.value.code == "NOT_FOUND"


# ---------------------------------------------------------------- screens


def _upload(data: bytes, name="ktp.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_teller_registers_with_a_photo_and_it_stays_hidden_until_shown(city, as_user):  # noqa: F811
    client = as_user(city.teller_a)
    response = client.post(f"{ANGGOTA}/baru/", {
        "nik": NIK, "name": "Dewi Lestari", "birth_date": "1985-08-17", "gender": "P",
        "ktp_photo": _upload(_image())})
    member = Member.objects.get()
    assert response["Location"] == f"{ANGGOTA}/{member.pk}/" and member.ktp_photo
    page = client.get(f"{ANGGOTA}/{member.pk}/").content.decode()
    assert "data:image/jpeg" not in page and "tersimpan, disamarkan" in page
    assert AuditEvent.objects.filter(action="members.ktp_photo.viewed").count() == 0
    shown = client.post(f"{ANGGOTA}/{member.pk}/foto-ktp/")
    assert "data:image/jpeg;base64," in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.get(action="members.ktp_photo.viewed")
    assert (event.actor_id, event.object_id) == (city.teller_a.pk, str(member.pk))
    # No address serves the file.
    assert client.get(f"/media/{member.ktp_photo}").status_code == 404


def test_a_bad_upload_on_the_form_keeps_nothing(city, as_user):  # noqa: F811
    before = _files()
    response = as_user(city.teller_a).post(f"{ANGGOTA}/baru/", {
        "nik": NIK, "name": "Dewi Lestari", "birth_date": "1985-08-17", "gender": "P",
        "ktp_photo": _upload(b"not a picture", "ktp.exe")}, follow=True)
    assert "MEMBER_KTP_NOT_IMAGE" in response.content.decode()
    assert Member.objects.count() == 0 and _files() == before


@pytest.mark.parametrize("user", ["auditor_a", "analyst_a"])
def test_people_who_may_not_see_personal_data_are_refused(city, as_user, user):  # noqa: F811
    member = _register(city, _image())
    client = as_user(getattr(city, user))
    response = client.post(f"{ANGGOTA}/{member.pk}/foto-ktp/")
    assert response.status_code == 403 and "data:image" not in response.content.decode()
    before = _files()
    assert client.post(f"{ANGGOTA}/{member.pk}/foto-ktp/unggah/",
                       {"ktp_photo": _upload(_image())}).status_code == 403
    assert _files() == before
    assert not AuditEvent.objects.filter(action__startswith="members.ktp_photo").exists()


def test_another_cooperative_gets_404_and_nothing_is_written(city, as_user):  # noqa: F811
    member = _register(city, _image())
    client = as_user(city.teller_b)
    before = _files()
    assert client.post(f"{ANGGOTA}/{member.pk}/foto-ktp/").status_code == 404
    assert client.post(f"/k/kspps-b/anggota/{member.pk}/foto-ktp/").status_code == 404
    assert client.post(f"/k/kspps-b/anggota/{member.pk}/foto-ktp/unggah/",
                       {"ktp_photo": _upload(_image())}).status_code == 404
    assert _files() == before
    assert not AuditEvent.objects.filter(action__startswith="members.ktp_photo").exists()


def test_the_api_says_whether_a_photo_is_kept_and_never_sends_it(city):
    from django.test import Client

    member = _register(city, _image())
    client = Client()
    client.force_login(city.teller_a)
    body = client.get(f"/api/v1/cooperatives/ksp-a/members/{member.pk}").json()
    assert body["has_ktp_photo"] is True
    assert member.ktp_photo not in str(body)
