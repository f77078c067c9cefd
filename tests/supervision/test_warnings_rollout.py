"""Early warnings (rules as data, ranked, acknowledged and resolved with notes) and the rollout
programme (stages in order, events, facilitators, progress and funnel)."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.batch.services import eod_run
from lumbung.core.errors import LumbungError
from lumbung.supervision.models import (
    Alert,
    PeriodFigures,
    RegistryEntry,
    RolloutEvent,
    RolloutStep,
)
from lumbung.supervision.registry import registry_entry_for_cooperative, registry_entry_save
from lumbung.supervision.rollout import (
    facilitator_assign,
    progress,
    rollout_event_record,
    rollout_step_record,
)
from lumbung.supervision.warnings import alert_update, alerts_refresh
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import post
from tests.web.conftest import client_for

TODAY = dt.date(2026, 11, 23)


def _entry(dinas, code, **raw):
    return registry_entry_save(office=dinas.office, entry=None,
                               raw={"code": code, "name": code.upper(), "kind": "KSP", **raw},
                               acting_user=dinas.analyst)


def _report(entry, period, **values):
    return PeriodFigures.objects.create(office=entry.office, entry=entry, period=period,
                                        as_of=period, source="unggah", **values)


def test_each_rule_fires_with_its_reason_and_the_list_is_ranked(dinas):
    sick = _entry(dinas, "ksp-sakit", rat_held_on="2024-05-01")
    _report(sick, dt.date(2026, 9, 30), equity=100_000_00)
    _report(sick, dt.date(2026, 10, 31), cash=-5_000_00, cash_and_bank=1_000_00,
            current_liabilities=100_000_00, loans_outstanding=100_000_00,
            loans_substandard=6_000_00, loans_doubtful=3_000_00, loans_loss=2_000_00,
            equity=90_000_00, insider_loans=12_000_00, oldest_withdrawal_wait_days=5)
    healthy = _entry(dinas, "ksp-sehat", rat_held_on="2026-03-10")
    _report(healthy, dt.date(2026, 10, 31), cash=5_000_00, cash_and_bank=50_000_00,
            current_liabilities=100_000_00, loans_outstanding=100_000_00, loans_substandard=0,
            loans_doubtful=0, loans_loss=1_000_00, equity=90_000_00, insider_loans=0,
            oldest_withdrawal_wait_days=0)
    assert alerts_refresh(office=dinas.office, today=TODAY, acting_user=dinas.analyst) == 7
    reasons = dict(Alert.objects.filter(entry=sick).values_list("rule", "reason"))
    assert reasons == {
        "cash_negative": "Saldo kas negatif (-Rp5.000,00)",
        "npl_high": "NPL 11,00 % di atas batas 10 %",
        "insider_loans_high": "Pinjaman kepada pengurus/pengawas/pihak terkait 13,33 % dari "
                              "modal sendiri (batas 10 %)",
        "withdrawals_waiting": "Penarikan simpanan anggota menunggu 5 hari (batas 3 hari)",
        "liquidity_low": "Likuiditas (kas dan bank / kewajiban lancar) 1,00 % di bawah 10 %",
        "capital_falling": "Ekuitas turun (-10,00 % dibanding laporan sebelumnya)",
        "rat_overdue": "RAT tahun buku 2025 belum tercatat; lewat 146 hari dari batas",
    }
    assert list(Alert.objects.filter(entry=healthy).values_list("rule", flat=True)) == []
    ranked = list(Alert.objects.filter(office=dinas.office).order_by("-severity")
                  .values_list("rule", flat=True))
    assert ranked[0] == "cash_negative" and ranked[-1] == "rat_overdue"
    # Once raised, not raised again for the same subject.
    assert alerts_refresh(office=dinas.office, today=TODAY, acting_user=dinas.analyst) == 0


def test_an_old_report_and_a_broken_checkpoint_are_warnings(dinas):
    stale = _entry(dinas, "ksp-diam", rat_held_on="2026-04-01")
    _report(stale, dt.date(2026, 6, 30))
    coop = dinas.city.coop_a
    registry_entry_for_cooperative(cooperative=coop, acting_user=None)
    post(coop, [("1101", 1_000_00, 0), ("3103", 0, 1_000_00)])
    eod_run(cooperatives=[coop], until=BUSINESS_DATE + dt.timedelta(days=3), acting_user=None)
    from lumbung.supervision.models import ReceivedCheckpoint

    first = ReceivedCheckpoint.objects.filter(cooperative=coop).order_by("date").first()
    ReceivedCheckpoint.objects.filter(pk=first.pk).update(chain_head="0" * 64)
    alerts_refresh(office=dinas.office, today=TODAY, acting_user=dinas.analyst)
    rules = set(Alert.objects.values_list("entry__code", "rule"))
    assert ("ksp-diam", "report_overdue") in rules
    assert ("ksp-a", "checkpoint_broken") in rules
    broken = Alert.objects.get(rule="checkpoint_broken")
    assert broken.severity == 100 and "kepala rantai berbeda" in broken.reason


def test_acknowledge_and_resolve_with_notes(dinas):
    entry = _entry(dinas, "ksp-x")
    _report(entry, dt.date(2026, 10, 31), cash=-1_00)
    alerts_refresh(office=dinas.office, today=TODAY, acting_user=dinas.analyst)
    alert = Alert.objects.get(rule="cash_negative")
    client = client_for(dinas.analyst)
    client.post(f"/dinas/kota-pekalongan/peringatan/{alert.pk}/",
                {"action": "acknowledge", "note": "Ditelepon ketua"})
    alert.refresh_from_db()
    assert alert.status == "diketahui" and "Ditelepon ketua" in alert.notes
    with pytest.raises(LumbungError) as refused:
        alert_update(alert=alert, action="resolve", note=" ", acting_user=dinas.analyst)
    assert refused.value.code == "SUPERVISION_NOTE_REQUIRED"
    client.post(f"/dinas/kota-pekalongan/peringatan/{alert.pk}/",
                {"action": "resolve", "note": "Kas dikoreksi dengan jurnal balik"})
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("selesai", dinas.analyst)
    assert alert.notes.count("\n") == 1
    page = client.get("/dinas/kota-pekalongan/peringatan/?status=selesai").content.decode()
    assert "Kas dikoreksi" in page


def test_warnings_are_the_offices_own(dinas):
    entry = _entry(dinas, "ksp-x")
    _report(entry, dt.date(2026, 10, 31), cash=-1_00)
    alerts_refresh(office=dinas.office, today=TODAY, acting_user=dinas.analyst)
    alert = Alert.objects.get(rule="cash_negative")
    other = client_for(dinas.other_analyst)
    assert other.get("/dinas/kota-pekalongan/peringatan/").status_code == 404
    assert other.post(f"/dinas/kota-tangerang/peringatan/{alert.pk}/",
                      {"action": "resolve", "note": "x"}).status_code == 404
    assert client_for(dinas.facilitator).post(
        f"/dinas/kota-pekalongan/peringatan/{alert.pk}/",
        {"action": "resolve", "note": "x"}).status_code == 403
    assert client_for(dinas.facilitator).post(
        "/dinas/kota-pekalongan/peringatan/perbarui/").status_code == 403
    alert.refresh_from_db()
    assert alert.status == "terbuka" and alert.notes == ""


# ---------------------------------------------------------------- rollout


def test_stages_are_passed_in_order_with_dates_that_never_go_back(dinas):
    entry = _entry(dinas, "ksp-x")
    with pytest.raises(LumbungError) as refused:
        rollout_step_record(entry=entry, stage="pilot", date=TODAY, note="", acting_user=None)
    assert refused.value.code == "SUPERVISION_STAGE_ORDER"
    rollout_step_record(entry=entry, stage="sosialisasi", date=dt.date(2026, 3, 1),
                        note="Balai kelurahan", acting_user=dinas.facilitator)
    with pytest.raises(LumbungError) as refused:
        rollout_step_record(entry=entry, stage="verifikasi", date=dt.date(2026, 2, 1), note="",
                            acting_user=dinas.facilitator)
    assert refused.value.code == "SUPERVISION_STAGE_DATE"
    rollout_step_record(entry=entry, stage="verifikasi", date=dt.date(2026, 4, 1), note="",
                        acting_user=dinas.facilitator)
    entry.refresh_from_db()
    assert entry.stage == "verifikasi"
    assert RolloutStep.objects.filter(entry=entry).count() == 2


def test_events_facilitators_progress_and_funnel(dinas):
    a = _entry(dinas, "ksp-a1", kelurahan="Kergon", team="timur")
    b = _entry(dinas, "ksp-b1", kelurahan="Kergon", team="barat")
    _entry(dinas, "ksp-c1", kelurahan="Medono", team="barat")
    for entry, stages in ((a, ["sosialisasi", "verifikasi", "pilot", "live"]),
                          (b, ["sosialisasi"])):
        for n, stage in enumerate(stages):
            rollout_step_record(entry=entry, stage=stage, date=dt.date(2026, 1, 1 + n), note="",
                                acting_user=dinas.analyst)
    event = rollout_event_record(office=dinas.office, kind="sosialisasi",
                                 date=dt.date(2026, 1, 1), kelurahan="Kergon", team="timur",
                                 title="Sosialisasi Lumbung", attendee_count=23, notes="",
                                 cooperative_codes=["ksp-a1", "ksp-b1"], acting_user=dinas.analyst)
    assert event.cooperatives.count() == 2
    with pytest.raises(LumbungError):
        rollout_event_record(office=dinas.office, kind="sosialisasi", date=TODAY,
                             kelurahan="X", team="timur", title="t", attendee_count=1, notes="",
                             cooperative_codes=["ksp-zzz"], acting_user=dinas.analyst)
    assert RolloutEvent.objects.count() == 1
    facilitator_assign(entry=a, facilitator=dinas.facilitator, acting_user=dinas.analyst)
    with pytest.raises(LumbungError) as refused:
        facilitator_assign(entry=a, facilitator=dinas.other_analyst, acting_user=dinas.analyst)
    assert refused.value.code == "SUPERVISION_NOT_FACILITATOR"
    data = progress(dinas.office)
    assert data["funnel"] == [("Sosialisasi", 2), ("Verifikasi", 1), ("Pilot", 1), ("Live", 1)]
    kergon = next(row for row in data["by_kelurahan"] if row["group"] == "Kergon")
    assert (kergon["live"], kergon["sosialisasi"], kergon["total"]) == (1, 1, 2)
    barat = next(row for row in data["by_team"] if row["group"] == "barat")
    assert (barat["belum"], barat["sosialisasi"]) == (1, 1)
    page = client_for(dinas.facilitator).get("/dinas/kota-pekalongan/program/").content.decode()
    assert "<svg" in page and "Sosialisasi: 2" in page and "Sosialisasi Lumbung" in page


def test_the_facilitator_records_stages_and_events_on_screen(dinas):
    _entry(dinas, "ksp-x", kelurahan="Kergon")
    client = client_for(dinas.facilitator)
    client.post("/dinas/kota-pekalongan/register/ksp-x/tahap/",
                {"stage": "sosialisasi", "date": "2026-05-02", "note": "hadir 3 pengurus"})
    assert RegistryEntry.objects.get(code="ksp-x").stage == "sosialisasi"
    response = client.post("/dinas/kota-pekalongan/program/kegiatan/baru/", {
        "kind": "pelatihan", "date": "2026-06-01", "title": "Pelatihan akuntansi",
        "kelurahan": "Kergon", "team": "timur", "attendee_count": "12", "cooperatives": "ksp-x"})
    assert response.status_code == 302
    response = client.post("/dinas/kota-pekalongan/program/kegiatan/baru/", {
        "kind": "pelatihan", "date": "", "title": "x", "kelurahan": "K", "team": "timur"})
    assert response.status_code == 400
    assert RolloutEvent.objects.count() == 1
    # Facilitators do not assign facilitators; another city sees nothing.
    assert client.post("/dinas/kota-pekalongan/register/ksp-x/pendamping/",
                       {"facilitator": "pendamping-a"}).status_code == 403
    other = client_for(dinas.other_analyst)
    assert other.get("/dinas/kota-pekalongan/program/").status_code == 404
    assert other.post("/dinas/kota-pekalongan/register/ksp-x/tahap/",
                      {"stage": "verifikasi", "date": "2026-05-03"}).status_code == 404
    assert RegistryEntry.objects.get(code="ksp-x").stage == "sosialisasi"
    assert AuditEvent.objects.filter(action="supervision.rollout.stage").count() == 1
