"""The demo's Dinas part: the city's registry, rollout and uploaded figures, after the
on-platform cooperatives are built.

Kota Pekalongan: about 285 cooperatives (the on-platform ones and the rest uploading the
template), the digitalisation programme at various stages, some cooperatives healthy and some
not, ratings and early warnings. Kota Tangerang: a second city with its own Dinas and registry,
which Pekalongan's users never see. With fewer than five on-platform cooperatives (tests) the
registry is kept small.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from openpyxl import Workbook

from lumbung.supervision.figures import figures_record_many, month_end
from lumbung.supervision.health import rating_save
from lumbung.supervision.models import FiguresSource, RegistryEntry
from lumbung.supervision.registry import COLUMNS, registry_entry_for_cooperative, registry_import
from lumbung.supervision.rollout import (
    facilitator_assign,
    rollout_event_record,
    rollout_step_record,
)
from lumbung.supervision.rules import default_ruleset_name, ruleset
from lumbung.supervision.warnings import alerts_refresh
from lumbung.tenancy.models import Cooperative, OfficeRole, OfficeStaff, SupervisorOffice
from lumbung.tenancy.services import office_register, office_staff_assign, user_create

FULL_CITY = 285
KECAMATAN = {
    "Pekalongan Barat": ["Bendan Kergon", "Kramatsari", "Medono", "Pasirsari", "Podosugih",
                         "Tirto"],
    "Pekalongan Timur": ["Gamer", "Kauman", "Klego", "Noyontaan", "Poncol", "Sugihwaras"],
    "Pekalongan Utara": ["Bandengan", "Degayu", "Kandang Panjang", "Krapyak", "Panjang Wetan"],
    "Pekalongan Selatan": ["Banyurip", "Buaran Kradenan", "Jenggot", "Kuripan Kidul",
                           "Kuripan Lor"],
}
FIRST_NAMES = ["Siti", "Budi", "Sri", "Agus", "Dewi", "Joko", "Nur", "Heri", "Rina", "Bambang",
               "Wahyu", "Endang", "Slamet", "Tri", "Ratna", "Imam", "Yuni", "Ahmad"]
LAST_NAMES = ["Rahayu", "Santoso", "Wibowo", "Lestari", "Hidayat", "Susanti", "Prasetyo",
              "Handayani", "Nugroho", "Fauziah", "Saputra", "Maulana"]
WORDS = ["Makmur", "Sejahtera", "Mandiri", "Amanah", "Barokah", "Sentosa", "Bersama", "Jaya",
         "Abadi", "Karya", "Mulia", "Rejeki", "Batik", "Pesisir", "Harapan", "Tunas"]
MONTHS = 12
SEN_PER_MILLION = 1_000_000 * 100


def build(*, office: SupervisorOffice, rng: random.Random, today: dt.date) -> None:
    """The rest of the city around the on-platform cooperatives."""
    on_platform = list(Cooperative.objects.filter(office=office).order_by("pk"))
    total = FULL_CITY if len(on_platform) >= 5 else len(on_platform) + 10
    facilitators = _facilitators(office)
    # Their figures came from the month-end snapshot of the end of day; the entries exist.
    for cooperative in on_platform:
        registry_entry_for_cooperative(cooperative=cooperative, acting_user=None)
    _import_registry(office, rng, today, total - len(on_platform), prefix="kop")
    entries = list(RegistryEntry.objects.filter(office=office).order_by("pk"))
    uploaded = [e for e in entries if e.cooperative_id is None]
    _uploaded_figures(office, uploaded, rng, today)
    _rollout(office, entries, facilitators, rng, today)
    _ratings(office, entries, rng, today)
    alerts_refresh(office=office, today=today, acting_user=None)
    _second_city(rng, today)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["12", "13", "15", "21", "52", "57"])
    return f"08{prefix}{rng.randint(10_000_000, 99_999_999)}"


def _facilitators(office: SupervisorOffice) -> list[Any]:
    from lumbung.demo.services import DEMO_PASSWORD

    people = [staff.user for staff in OfficeStaff.objects.filter(
        office=office, role=OfficeRole.FACILITATOR).select_related("user")]
    for username, name in (("pendamping.timur", "Sari Pendamping Timur"),
                           ("pendamping.barat", "Dedi Pendamping Barat")):
        user = user_create(username=username, password=DEMO_PASSWORD, full_name=name)
        office_staff_assign(office=office, user=user, role=OfficeRole.FACILITATOR,
                            acting_user=None)
        people.append(user)
    return people


def _import_registry(office: SupervisorOffice, rng: random.Random, today: dt.date, count: int,
                     prefix: str, kecamatan: dict[str, list[str]] | None = None) -> None:
    """The rest of the registry, as the Dinas would: one XLSX through the import."""
    kecamatan = kecamatan or KECAMATAN
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([column.header for column in COLUMNS])
    for n in range(1, count + 1):
        kind = rng.choices(["KSP", "KSPPS", "BMT", "USP"], weights=[55, 20, 15, 10])[0]
        district = rng.choice(sorted(kecamatan))
        village = rng.choice(kecamatan[district])
        founded = dt.date(rng.randint(1985, 2022), rng.randint(1, 12), rng.randint(1, 28))
        members = rng.randint(25, 1800)
        female = int(members * rng.uniform(0.35, 0.75))
        rat = None if rng.random() < 0.12 else dt.date(today.year - (rng.random() < 0.1),
                                                       rng.randint(1, 6), rng.randint(1, 28))
        has_nik = rng.random() < 0.8
        values = {
            "code": f"{prefix}-{n:03d}",
            "name": f"{kind} {rng.choice(WORDS)} {rng.choice(WORDS)} {n:03d}",
            "kind": kind, "status": "active" if rng.random() < 0.93 else "inactive",
            "legal_entity_number": f"{rng.randint(100, 999)}/BH/XIV.{rng.randint(1, 30)}/"
                                   f"{founded.year}",
            "legal_entity_date": founded,
            "nik_koperasi": f"3375{rng.randint(10**11, 10**12 - 1)}" if has_nik else "",
            "nik_valid_until": (today + dt.timedelta(days=rng.randint(-200, 700))
                                if has_nik else None),
            "licence_number": f"USP/{rng.randint(1, 400)}/{founded.year}" if kind != "USP"
            else "",
            "street_address": f"Jl. {rng.choice(WORDS)} No. {rng.randint(1, 120)}",
            "kelurahan": village, "kecamatan": district,
            "region_label": district.split()[-1],
            "team": "timur" if district.endswith(("Timur", "Utara")) else "barat",
            "chair_name": _person(rng), "chair_phone": _phone(rng),
            "secretary_name": _person(rng), "secretary_phone": _phone(rng),
            "treasurer_name": _person(rng), "treasurer_phone": _phone(rng),
            "supervisor_name": _person(rng),
            "members_male": members - female, "members_female": female,
            "managers": rng.randint(0, 2), "employees": rng.randint(0, 12),
            "rat_held_on": rat,
            "reporting_status": rng.choices(["tepat", "terlambat", "tidak"], [70, 20, 10])[0],
        }
        sheet.append([values.get(column.name) for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    registry_import(office=office, content=buffer.getvalue(), acting_user=None)


def _shape(rng: random.Random, profile: str) -> dict[str, float]:
    """A cooperative's ratios, drawn once, so its months differ only by growth."""
    healthy, sick = profile == "healthy", profile == "sick"
    return {
        "loans": rng.uniform(0.55, 0.8),
        "liquid": rng.uniform(0.005, 0.03) if sick else rng.uniform(0.08, 0.2),
        "equity": rng.uniform(0.25, 0.4) if healthy else rng.uniform(0.08, 0.2),
        "bad": {"healthy": rng.uniform(0, 0.04), "weak": rng.uniform(0.06, 0.14),
                "sick": rng.uniform(0.15, 0.35)}[profile],
        "income": rng.uniform(0.08, 0.16),
        "margin": {"healthy": rng.uniform(0.2, 0.35), "weak": rng.uniform(0.02, 0.1),
                   "sick": rng.uniform(-0.25, 0.0)}[profile],
        "insider": rng.uniform(0.08, 0.2) if sick else rng.uniform(0, 0.08),
        "allowance": rng.uniform(0.3, 0.9),
        "negative_cash": sick and rng.random() < 0.3,  # a yes/no, not an amount
        "wait": rng.randint(0, 9) if sick else 0,
        # Sick cooperatives lose capital month by month.
        "equity_drift": -0.01 if sick else 0.0,
    }


def _statement(assets: int, shape: dict[str, float], month: int) -> dict[str, int | None]:
    """One month's balanced statement for a cooperative of `assets` sen."""
    loans = int(assets * shape["loans"])
    cash_and_bank = int(assets * shape["liquid"])
    equity = int(assets * max(shape["equity"] + shape["equity_drift"] * month, 0.02))
    liabilities = assets - equity
    bad = int(loans * shape["bad"])
    income = int(assets * shape["income"] * (month + 1) / 12)
    shu = int(income * shape["margin"])
    cost_of_funds = int(income * 0.3)
    cooperative_expenses = int(income * 0.05)
    return {
        "cash": -int(cash_and_bank * 0.1) if shape["negative_cash"] else int(cash_and_bank * 0.3),
        "cash_and_bank": cash_and_bank, "current_assets": loans + cash_and_bank,
        "loans_outstanding": loans, "loans_substandard": bad // 2, "loans_doubtful": bad // 4,
        "loans_loss": bad - bad // 2 - bad // 4, "insider_loans": int(equity * shape["insider"]),
        "loan_loss_allowance": int(bad * shape["allowance"]),
        "total_assets": assets, "current_liabilities": int(liabilities * 0.85),
        "total_liabilities": liabilities, "member_savings": int(liabilities * 0.8),
        "share_capital": int(equity * 0.6), "equity": equity,
        "gross_participation": int(income * 0.92), "total_income": income,
        "cost_of_funds": cost_of_funds,
        "operating_expenses": income - shu - cost_of_funds - cooperative_expenses,
        "cooperative_expenses": cooperative_expenses,
        "education_expense": int(cooperative_expenses * 0.3), "income_tax": 0, "shu": shu,
        "business_volume": income, "oldest_withdrawal_wait_days": int(shape["wait"]),
    }


def _uploaded_figures(office: SupervisorOffice, entries: list[RegistryEntry],
                      rng: random.Random, today: dt.date) -> None:
    """A year of monthly reports for each uploading cooperative; some stopped reporting."""
    periods = []
    day = today.replace(day=1) - dt.timedelta(days=1)
    for _ in range(MONTHS):
        periods.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    periods.reverse()
    rows = []
    for entry in entries:
        shape = _shape(rng, rng.choices(["healthy", "weak", "sick"], weights=[68, 22, 10])[0])
        assets = rng.randint(150, 25_000) * SEN_PER_MILLION
        stopped = rng.random() < 0.08
        members = entry.members_male + entry.members_female
        for index, period in enumerate(periods):
            if stopped and index >= MONTHS - 3:
                break
            assets = int(assets * rng.uniform(1.0, 1.02))
            values = _statement(assets, shape, period.month - 1)
            values.update(members_male=entry.members_male, members_female=entry.members_female,
                          managers=entry.managers, employees=entry.employees)
            if members and index < MONTHS - 1:
                values["members_female"] = max(entry.members_female - (MONTHS - index), 0)
            rows.append((entry, month_end(period), values))
    figures_record_many(office=office, rows=rows, source=FiguresSource.UPLOAD, acting_user=None)


def _rollout(office: SupervisorOffice, entries: list[RegistryEntry], facilitators: list[Any],
             rng: random.Random, today: dt.date) -> None:
    """The on-platform cooperatives are live; about 25 more in pilot or verification; the
    socialisation has reached about half of the city."""
    start = today - dt.timedelta(days=300)
    plan = ["sosialisasi", "verifikasi", "pilot", "live"]
    for entry in entries:
        if entry.cooperative_id is not None:
            reached = 4
        else:
            reached = rng.choices([0, 1, 2, 3], weights=[45, 35, 12, 8])[0]
        day = start + dt.timedelta(days=rng.randint(0, 60))
        for stage in plan[:reached]:
            rollout_step_record(entry=entry, stage=stage, date=day,
                                note="" if rng.random() < 0.7 else "Pengurus hadir lengkap",
                                acting_user=None)
            day += dt.timedelta(days=rng.randint(20, 70))
        if reached and facilitators:
            facilitator_assign(entry=entry, facilitator=rng.choice(facilitators),
                               acting_user=None)
    by_village: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        if entry.kelurahan:
            by_village.setdefault((entry.kelurahan, entry.team or "timur"), []).append(entry.code)
    for n, ((village, team), codes) in enumerate(sorted(by_village.items())):
        attending = codes[: max(1, len(codes) // 2)]
        rollout_event_record(office=office, kind="sosialisasi",
                             date=start + dt.timedelta(days=n * 3), kelurahan=village, team=team,
                             title=f"Sosialisasi digitalisasi koperasi {village}",
                             attendee_count=len(attending) * rng.randint(2, 4), notes="",
                             cooperative_codes=attending, acting_user=None)
        if n % 4 == 0:
            rollout_event_record(office=office, kind="pelatihan",
                                 date=start + dt.timedelta(days=120 + n), kelurahan=village,
                                 team=team, title="Pelatihan akuntansi digital Lumbung",
                                 attendee_count=len(attending) * 2, notes="",
                                 cooperative_codes=attending, acting_user=None)


def _ratings(office: SupervisorOffice, entries: list[RegistryEntry], rng: random.Random,
             today: dt.date) -> None:
    """Examiners' ratings for the on-platform cooperatives and a sample of the others."""
    period = month_end(today.replace(day=1) - dt.timedelta(days=1))
    sample = [e for e in entries if e.cooperative_id is not None] + rng.sample(
        [e for e in entries if e.cooperative_id is None], k=min(12, len(entries) // 4))
    for entry in sample:
        if not entry.figures.filter(period=period).exists():
            continue
        rules = ruleset(default_ruleset_name(entry.kind))
        checklist = {item["code"]: rng.random() < 0.8
                     for aspect in rules["aspects"] for indicator in aspect["indicators"]
                     for item in indicator.get("items", [])}
        rating_save(entry=entry, period=period, ruleset_name=rules["name"], checklist=checklist,
                    acting_user=None)


def _second_city(rng: random.Random, today: dt.date) -> None:
    """Kota Tangerang's Dinas and a small registry of its own, invisible to Pekalongan."""
    from lumbung.demo.services import DEMO_PASSWORD

    office = office_register(code="kota-tangerang", name="Dinas Koperasi dan UKM Kota Tangerang",
                             jurisdiction="Kota Tangerang", province="Banten",
                             acting_user=None)
    analyst = user_create(username="analis.tangerang", password=DEMO_PASSWORD,
                          full_name="Analis Dinas Tangerang")
    office_staff_assign(office=office, user=analyst, role=OfficeRole.ANALYST, acting_user=None)
    _import_registry(office, rng, today, 20, prefix="tng", kecamatan={
        "Tangerang": ["Babakan", "Sukaasih"], "Karawaci": ["Bojong Jaya", "Nusa Jaya"],
        "Cipondoh": ["Poris Plawad", "Ketapang"]})
    _uploaded_figures(office, list(RegistryEntry.objects.filter(office=office)), rng, today)
