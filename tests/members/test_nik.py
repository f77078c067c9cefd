"""NIK structure (regulations.md §6.1): 16 digits, region not 00, real date (+40 for women), serial."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.members.calculations import mask_nik, mask_phone, nik_check

TODAY = dt.date(2026, 11, 20)


def test_a_man_born_on_17_august_1985_in_kota_pekalongan():
    check = nik_check("3375011708850001", today=TODAY)
    assert check.ok
    assert check.gender == "L"
    assert check.birth_dates == (dt.date(1985, 8, 17),)


def test_a_woman_adds_forty_to_the_day():
    check = nik_check("3375015708850002", today=TODAY)
    assert check.ok
    assert check.gender == "P"
    assert check.birth_dates == (dt.date(1985, 8, 17),)


def test_a_two_digit_year_can_fit_two_centuries():
    # 05 can be 1905 or 2005; both are real dates before today.
    assert nik_check("3375010101050003", today=TODAY).birth_dates == (
        dt.date(1905, 1, 1), dt.date(2005, 1, 1))


@pytest.mark.parametrize(
    ("nik", "error"),
    [
        ("337501170885000", "NIK_LENGTH"),
        ("33750117088500011", "NIK_LENGTH"),
        ("33750117O8850001", "NIK_LENGTH"),
        ("３３７５０１１７０８８５０００１", "NIK_LENGTH"),  # full-width digits are not ASCII
        ("0075011708850001", "NIK_REGION"),
        ("3300011708850001", "NIK_REGION"),
        ("3375001708850001", "NIK_REGION"),
        ("3375013208850001", "NIK_BIRTH_DATE"),  # day 32
        ("3375017208850001", "NIK_BIRTH_DATE"),  # day 72 = 32 for a woman
        ("3375011713850001", "NIK_BIRTH_DATE"),  # month 13
        ("3375013002850001", "NIK_BIRTH_DATE"),  # 30 February
        ("3375011708850000", "NIK_SERIAL"),
    ],
)
def test_it_refuses_a_broken_structure(nik, error):
    check = nik_check(nik, today=TODAY)
    assert not check.ok
    assert error in check.errors


def test_29_february_needs_a_leap_year_in_some_century():
    assert nik_check("3375012902000001", today=TODAY).birth_dates == (dt.date(2000, 2, 29),)
    assert not nik_check("3375012902010001", today=TODAY).ok


def test_a_declared_birth_date_or_gender_that_differs_is_a_warning_not_a_refusal():
    check = nik_check("3375011708850001", birth_date=dt.date(1985, 8, 18), gender="P",
                      today=TODAY)
    assert check.ok
    assert check.warnings == ("NIK_BIRTH_DATE_MISMATCH", "NIK_GENDER_MISMATCH")


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(
    region=st.integers(min_value=0, max_value=999_999).map(lambda n: f"{n:06d}")
    .filter(lambda r: "00" not in (r[0:2], r[2:4], r[4:6])),
    born=st.dates(min_value=dt.date(1930, 1, 1), max_value=TODAY),
    gender=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_any_nik_built_from_a_real_birth_date_passes_and_gives_it_back(region, born, gender,
                                                                        serial):
    day = born.day + (40 if gender == "P" else 0)
    nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    check = nik_check(nik, birth_date=born, gender=gender, today=TODAY)
    assert check.ok, check
    assert born in check.birth_dates
    assert check.gender == gender
    assert check.warnings == ()


def test_masking_keeps_only_what_a_teller_needs_to_recognise():
    assert mask_nik("3375011708850001") == "3375********0001"
    assert mask_phone("081234567890") == "0812*****890"
    assert mask_phone("12345") == "*****"
