"""The registry: form, XLSX import with row-level errors, export, change history, access."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.supervision.models import RegistryChange, RegistryEntry
from lumbung.supervision.registry import (
    registry_entry_for_cooperative,
    registry_entry_save,
    registry_import,
    registry_workbook,
)
from tests.supervision.conftest import workbook
from tests.web.conftest import client_for

HEADER = ["Kode", "Nama koperasi", "Jenis", "Kecamatan", "NIK koperasi", "Anggota laki-laki",
          "Anggota perempuan", "Tanggal RAT", "HP ketua"]


def test_it_imports_good_rows_and_names_the_bad_ones(dinas):
    content = workbook([
        HEADER,
        ["ksp-mawar", "KSP Mawar", "KSP", "Pekalongan Barat", "3375010020001234", 40, 60,
         dt.datetime(2026, 3, 14), "081234567890"],
        ["", "Tanpa kode", "KSP", "", "", 1, 1, None, None],
        ["ksp-melati", "KSP Melati", "KOPERASI", "", "", 1, 1, None, None],
        ["bmt-salam", "BMT Salam", "bmt", "Pekalongan Utara", "", "sepuluh", 1, None, None],
        ["ksp-kenanga", "KSP Kenanga", "KSP", "", "33-75", 1, 1, None, None],
        ["ksp-dahlia", "KSP Dahlia", "KSP", "", "", 5, 7, "31/12/2025", "0812 3456 7890"],
        ["ksp-mawar", "KSP Mawar lagi", "KSP", "", "", 1, 1, None, None],
    ])
    report = registry_import(office=dinas.office, content=content, acting_user=dinas.analyst)
    assert report.created == ["ksp-mawar", "ksp-dahlia"]
    assert [(e.row, e.code) for e in report.errors] == [
        (3, "SUPERVISION_FIELD_REQUIRED"),
        (4, "SUPERVISION_BAD_VALUE"),
        (5, "SUPERVISION_BAD_VALUE"),
        (6, "SUPERVISION_NIK_KOPERASI_INVALID"),
        (8, "SUPERVISION_BAD_VALUE"),
    ]
    assert "Jenis" in report.errors[1].message and "KOPERASI" in report.errors[1].message
    assert "baris 2" in report.errors[4].message
    mawar = RegistryEntry.objects.get(office=dinas.office, code="ksp-mawar")
    assert (mawar.members_male, mawar.members_female, mawar.rat_held_on) == (
        40, 60, dt.date(2026, 3, 14))
    dahlia = RegistryEntry.objects.get(code="ksp-dahlia")
    assert dahlia.rat_held_on == dt.date(2025, 12, 31)
    assert dahlia.chair_phone == "0812 3456 7890"
    assert RegistryChange.objects.filter(source="impor").count() == 2


def test_a_row_with_several_problems_names_them_all(dinas):
    content = workbook([
        HEADER,
        ["ksp-rusak", "", "KOPERASI", "", "12AB", "sepuluh", 1, "31-02-2026", "12"],
        ["ksp-baik", "KSP Baik", "KSP", "", "", 1, 1, None, None],
    ])
    report = registry_import(office=dinas.office, content=content, acting_user=dinas.analyst)
    assert report.created == ["ksp-baik"] and report.rejected_rows == 1
    assert [(e.row, e.code, e.message.split(":")[0]) for e in report.errors] == [
        (2, "SUPERVISION_FIELD_REQUIRED", "Kolom Nama koperasi wajib diisi."),
        (2, "SUPERVISION_BAD_VALUE", "Kolom Jenis"),
        (2, "SUPERVISION_NIK_KOPERASI_INVALID", 'NIK koperasi "12AB" tidak valid'),
        (2, "SUPERVISION_BAD_VALUE", "Kolom HP ketua"),
        (2, "SUPERVISION_BAD_VALUE", "Kolom Anggota laki-laki"),
        (2, "SUPERVISION_BAD_VALUE", "Kolom Tanggal RAT"),
    ]
    assert not RegistryEntry.objects.filter(code="ksp-rusak").exists()
    page = client_for(dinas.analyst).post("/dinas/kota-pekalongan/register/impor/", {
        "berkas": SimpleUploadedFile("r.xlsx", content)}).content.decode()
    assert "1 baris ditolak" in page and page.count("<td class=\"num\">2</td>") == 6


def test_it_updates_known_codes_and_keeps_the_history(dinas):
    registry_import(office=dinas.office, content=workbook([[*HEADER[:3], "Anggota laki-laki"],
                    ["ksp-mawar", "KSP Mawar", "KSP", 10]]), acting_user=dinas.analyst)
    report = registry_import(office=dinas.office, content=workbook(
        [["Kode", "Nama koperasi", "Jenis", "Anggota laki-laki"],
         ["KSP-MAWAR", "KSP Mawar Jaya", "KSP", 12],
         ["ksp-baru", "KSP Baru", "KSP", 1]]), acting_user=dinas.analyst)
    assert (report.created, report.updated, report.unchanged) == (["ksp-baru"], ["ksp-mawar"], 0)
    change = RegistryChange.objects.filter(entry__code="ksp-mawar").first()
    assert change.changes == {"name": ["KSP Mawar", "KSP Mawar Jaya"],
                              "members_male": ["10", "12"]}
    assert change.actor == dinas.analyst
    again = registry_import(office=dinas.office, content=workbook(
        [["Kode", "Nama koperasi", "Jenis"], ["ksp-baru", "KSP Baru", "KSP"]]),
        acting_user=dinas.analyst)
    assert again.unchanged == 1 and not again.updated


def test_it_refuses_a_file_that_is_not_a_workbook_and_writes_nothing(dinas):
    with pytest.raises(LumbungError) as refused:
        registry_import(office=dinas.office, content=b"kode,nama\n", acting_user=dinas.analyst)
    assert refused.value.code == "SUPERVISION_NOT_A_WORKBOOK"
    with pytest.raises(LumbungError) as refused:
        registry_import(office=dinas.office, content=workbook([["Kode", "Nama koperasi"],
                        ["x", "y"]]), acting_user=dinas.analyst)
    assert refused.value.code == "SUPERVISION_BAD_HEADER"
    assert "Jenis" in refused.value.message
    assert not RegistryEntry.objects.exists()


def test_the_export_reads_back_in_unchanged(dinas):
    registry_entry_save(office=dinas.office, entry=None, raw={
        "code": "ksp-mawar", "name": "=HYPERLINK(1)", "kind": "KSP",
        "nik_valid_until": "2027-01-31", "chair_phone": "081234567890", "members_female": "9"},
        acting_user=dinas.analyst)
    content = registry_workbook(RegistryEntry.objects.filter(office=dinas.office))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == "'=HYPERLINK(1)"
    report = registry_import(office=dinas.office, content=content, acting_user=dinas.analyst)
    assert report.errors == []
    # The apostrophe that keeps a formula from running is the only difference.
    assert report.updated == ["ksp-mawar"]


def test_an_on_platform_cooperative_gets_its_entry_from_its_profile(dinas):
    entry = registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    assert (entry.code, entry.kind, entry.kecamatan, entry.cooperative) == (
        "ksp-a", "KSP", "Pekalongan Timur", dinas.city.coop_a)
    assert registry_entry_for_cooperative(cooperative=dinas.city.coop_a,
                                          acting_user=None) == entry


# ---------------------------------------------------------------- screens


def test_the_analyst_adds_and_edits_an_entry_through_the_form(dinas):
    client = client_for(dinas.analyst)
    response = client.post("/dinas/kota-pekalongan/register/baru/", {
        "code": "ksp-mawar", "name": "KSP Mawar", "kind": "KSP", "nik_koperasi": "abc"})
    assert response.status_code == 400
    assert "SUPERVISION_NIK_KOPERASI_INVALID" in response.content.decode()
    assert not RegistryEntry.objects.exists()
    response = client.post("/dinas/kota-pekalongan/register/baru/", {
        "code": "ksp-mawar", "name": "KSP Mawar", "kind": "KSP", "status": "active",
        "reporting_status": "tidak", "members_male": "3"})
    assert response.status_code == 302
    response = client.post("/dinas/kota-pekalongan/register/ksp-mawar/ubah/", {
        "code": "ksp-mawar", "name": "KSP Mawar", "kind": "KSP", "status": "active",
        "reporting_status": "tidak", "members_male": "4"})
    assert response.status_code == 302
    page = client.get("/dinas/kota-pekalongan/register/ksp-mawar/").content.decode()
    assert "KSP Mawar" in page and "members_male" in page and "3 → 4" in page


def test_the_import_screen_lists_refused_rows(dinas):
    client = client_for(dinas.analyst)
    upload = SimpleUploadedFile("r.xlsx", workbook([HEADER[:3], ["ksp-x", "X", "KSP"],
                                                    ["ksp-y", "", "KSP"]]))
    page = client.post("/dinas/kota-pekalongan/register/impor/", {"berkas": upload})
    assert page.status_code == 200
    assert "Nama koperasi wajib diisi" in page.content.decode()
    errors = client.get("/dinas/kota-pekalongan/register/impor/ditolak.xlsx")
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert [cell.value for cell in sheet[2]][:2] == [3, "SUPERVISION_FIELD_REQUIRED"]
    assert client.get("/dinas/kota-pekalongan/register.xlsx").status_code == 200


def test_each_detail_read_is_audited(dinas):
    entry = registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    client = client_for(dinas.facilitator)
    assert client.get(f"/dinas/kota-pekalongan/register/{entry.code}/").status_code == 200
    event = AuditEvent.objects.get(action="supervision.read.registry_entry")
    assert (event.actor, event.office, event.cooperative) == (
        dinas.facilitator, dinas.office, dinas.city.coop_a)


def test_the_registry_list_runs_a_fixed_number_of_queries(dinas, django_assert_max_num_queries):
    for n in range(30):
        registry_entry_save(office=dinas.office, entry=None,
                            raw={"code": f"ksp-{n}", "name": f"KSP {n}", "kind": "KSP"},
                            acting_user=dinas.analyst)
    client = client_for(dinas.analyst)
    with django_assert_max_num_queries(10):
        page = client.get("/dinas/kota-pekalongan/register/")
    assert page.content.decode().count("/dinas/kota-pekalongan/register/ksp-") == 30


URLS = ["/dinas/kota-pekalongan/", "/dinas/kota-pekalongan/register/",
        "/dinas/kota-pekalongan/register.xlsx", "/dinas/kota-pekalongan/register/ksp-a/",
        "/dinas/kota-pekalongan/register/baru/", "/dinas/kota-pekalongan/register/impor/",
        "/dinas/kota-pekalongan/register/ksp-a/ubah/"]


@pytest.mark.parametrize("url", URLS)
def test_another_citys_dinas_and_cooperative_staff_get_404(dinas, url):
    registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    audit_before = AuditEvent.objects.count()
    for user in (dinas.other_analyst, dinas.city.teller_a, dinas.city.manager_a):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, {"code": "x", "name": "x", "kind": "KSP"}
                                     ).status_code in {404, 405}
    assert AuditEvent.objects.count() == audit_before
    assert RegistryEntry.objects.count() == 1


def test_another_citys_dinas_cannot_reach_the_journal(dinas):
    client = client_for(dinas.other_analyst)
    for path in ("/k/ksp-a/jurnal/", "/k/ksp-a/jurnal/1/", "/k/ksp-a/neraca-saldo/"):
        assert client.get(path).status_code == 404


def test_a_facilitator_may_read_but_not_change_the_registry(dinas):
    entry = registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    client = client_for(dinas.facilitator)
    assert client.get("/dinas/kota-pekalongan/register/").status_code == 200
    response = client.post(f"/dinas/kota-pekalongan/register/{entry.code}/ubah/",
                           {"code": "ksp-a", "name": "Ganti", "kind": "KSP"})
    assert response.status_code == 403
    upload = SimpleUploadedFile("r.xlsx", workbook([HEADER[:3], ["ksp-x", "X", "KSP"]]))
    assert client.post("/dinas/kota-pekalongan/register/impor/",
                       {"berkas": upload}).status_code == 403
    entry.refresh_from_db()
    assert entry.name == "KSP Amanah A"
    assert RegistryEntry.objects.count() == 1
    assert not RegistryChange.objects.exclude(source="platform").exists()
