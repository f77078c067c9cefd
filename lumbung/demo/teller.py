"""The demo's teller part: see demo/services.py for when each function runs.

Each business day the cooperative's teller opens a drawer with a float from the vault, admits
a new member now and then (simpanan pokok in cash), takes deposits and pays small withdrawals
for members who hold a voluntary account, and closes the drawer against a count (about one
day in eight a small shortage goes to suspense). Today the drawer is left open with the
morning's work, as a teller would find it.
"""

from __future__ import annotations

import datetime as dt

from lumbung.core.errors import LumbungError
from lumbung.demo.context import DemoCooperative, rupiah
from lumbung.members.models import Member
from lumbung.members.services import member_register
from lumbung.savings.models import SavingsAccount
from lumbung.teller import selectors
from lumbung.teller.calculations import count_for, denomination_rules
from lumbung.teller.models import DrawerSession
from lumbung.teller.services import (
    counter_admit,
    counter_deposit,
    counter_withdraw,
    drawer_create,
    drawer_session_close,
    drawer_session_open,
)

FIRST_NAMES = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Joko", "Rina", "Hadi", "Nur", "Eko",
               "Wati", "Slamet", "Yuni", "Bambang", "Lestari", "Teguh"]
LAST_NAMES = ["Rahayu", "Santoso", "Lestari", "Wibowo", "Hidayat", "Kusuma", "Pratama",
              "Susanti", "Setiawan", "Maharani"]
VOLUNTARY = ["sukarela", "wadiah"]


def opening(demo: DemoCooperative) -> None:
    """Before the first business day: two drawers."""
    for name in ("Laci 1", "Laci 2"):
        drawer_create(cooperative=demo.cooperative, name=name, acting_user=demo.staff["manajer"])


def _new_member(demo: DemoCooperative) -> Member:
    rng, cooperative = demo.rng, demo.cooperative
    female = rng.random() < 0.55
    born = dt.date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28))
    serial = Member.objects.filter(cooperative=cooperative).count() + 1
    nik = f"337501{born.day + (40 if female else 0):02d}{born:%m%y}{serial:04d}"
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return member_register(
        cooperative=cooperative, nik=nik, name=name, birth_date=born,
        gender="P" if female else "L", acting_user=demo.staff["teller"],
        kelurahan=cooperative.kelurahan, kecamatan=cooperative.kecamatan,
        city="Kota Pekalongan", occupation=rng.choice(["pedagang", "pengrajin batik",
                                                       "nelayan", "guru", "buruh"]),
    )


def _work(demo: DemoCooperative, session: DrawerSession, customers: int) -> None:
    """A morning or a day at the counter: admissions, deposits, small withdrawals."""
    rng, teller, day = demo.rng, demo.staff["teller"], demo.cooperative.business_date
    if rng.random() < 0.6:
        counter_admit(session=session, member=_new_member(demo), acting_user=teller,
                      idempotency_key=f"demo:teller:admit:{day}")
    accounts = list(SavingsAccount.objects.filter(
        cooperative=demo.cooperative, product__kind__in=VOLUNTARY,
        status=SavingsAccount.Status.OPEN).select_related("member").order_by("pk"))
    for n in range(min(customers, len(accounts))):
        account = rng.choice(accounts)
        key = f"demo:teller:{day}:{n}"
        try:
            if rng.random() < 0.7:
                counter_deposit(session=session, account=account, acting_user=teller,
                                amount=rupiah(rng, 20_000, 2_500_000), idempotency_key=key)
            else:
                counter_withdraw(session=session, account=account, acting_user=teller,
                                 amount=rupiah(rng, 10_000, 1_000_000), idempotency_key=key)
        except LumbungError:
            continue  # not enough on the account (or in the drawer): the member goes home


def _open(demo: DemoCooperative) -> DrawerSession:
    drawer = selectors.drawers(cooperative=demo.cooperative).first()
    assert drawer is not None
    return drawer_session_open(cooperative=demo.cooperative, drawer=drawer,
                               float_amount=rupiah(demo.rng, 3_000_000, 8_000_000),
                               acting_user=demo.staff["teller"])


def day(demo: DemoCooperative) -> None:
    """One business day at the counter, closed against the count."""
    session = _open(demo)
    _work(demo, session, customers=demo.rng.randint(4, 10))
    expected = selectors.drawer_balance(drawer=session.drawer)
    counted = expected
    if demo.rng.random() < 0.125:
        counted -= min(expected, rupiah(demo.rng, 1_000, 20_000))
    drawer_session_close(session=session, count=count_for(counted, denomination_rules()
                                                          .denominations),
                         note="selisih hitung" if counted != expected else "",
                         acting_user=demo.staff["teller"])


def today(demo: DemoCooperative) -> None:
    """The morning's work, drawer still open."""
    _work(demo, _open(demo), customers=3)
