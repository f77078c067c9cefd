"""The Dinas cast on top of the city: a facilitator of Pekalongan and an analyst of Tangerang."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import Workbook

from lumbung.tenancy.models import OfficeRole, User
from lumbung.tenancy.services import office_staff_assign, user_create
from tests.conftest import PASSWORD, City


@dataclass
class Dinas:
    city: City
    analyst: User
    facilitator: User
    other_analyst: User

    @property
    def office(self) -> Any:
        return self.city.office_a


@pytest.fixture
def dinas(city: City) -> Dinas:
    facilitator = user_create(username="pendamping-a", password=PASSWORD, full_name="Budi")
    office_staff_assign(office=city.office_a, user=facilitator, role=OfficeRole.FACILITATOR,
                        acting_user=None)
    other = user_create(username="analis-b", password=PASSWORD)
    office_staff_assign(office=city.office_b, user=other, role=OfficeRole.ANALYST,
                        acting_user=None)
    return Dinas(city=city, analyst=city.analyst_a, facilitator=facilitator, other_analyst=other)


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
