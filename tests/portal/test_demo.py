"""The demo city gives members 1 to 3 of each cooperative the PIN `make run` prints."""

from __future__ import annotations

import random
from pathlib import Path

from lumbung.demo import portal
from lumbung.demo.context import DemoCooperative
from lumbung.portal.services import member_login
from tests.portal.conftest import make_member

ROOT = Path(__file__).resolve().parents[2]


def test_it_lets_the_printed_demo_members_log_in_with_the_printed_pin(city):
    for number, name in enumerate(["Ani", "Budi", "Citra", "Dedi"], start=1):
        make_member(city.coop_a, number, name, phone=f"08123456780{number}")
    portal.today(DemoCooperative(cooperative=city.coop_a, staff={"teller": city.teller_a},
                                 rng=random.Random(1), today=city.coop_a.business_date))
    logged_in = [member_login(cooperative=city.coop_a, identifier=str(number),
                              pin=portal.DEMO_PIN, device_id="demo-hp").member.name
                 for number in portal.DEMO_MEMBER_NUMBERS]
    assert logged_in == ["Ani", "Budi", "Citra"]
    makefile = (ROOT / "Makefile").read_text()
    assert f"nomor anggota 1, 2, 3 di tiap koperasi (mis. /m/ksp-sejahtera/) — PIN: " \
           f"{portal.DEMO_PIN}" in makefile
    assert "lumbung notify --loop &" in makefile
