"""Members (anggota) and candidates (calon anggota) of a cooperative."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.tenancy.models import Cooperative


class Member(models.Model):
    """A person registered with a cooperative; an anggota once the simpanan pokok is paid.

    A calon anggota holds no savings and no loans (closed-loop rule, Permenkop 8/2023).
    NIK and phone are personal data (UU 27/2022): screens and logs show them masked.
    """

    class Status(models.TextChoices):
        CANDIDATE = "calon", _("calon anggota")
        MEMBER = "anggota", _("anggota")
        EXITED = "keluar", _("keluar")

    class Gender(models.TextChoices):
        MALE = "L", _("laki-laki")
        FEMALE = "P", _("perempuan")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members")
    # Given when the person becomes an anggota; never reused, also after exit.
    number = models.PositiveIntegerField(_("nomor anggota"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CANDIDATE)
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    street_address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan/desa"), max_length=120, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=120, blank=True)
    city = models.CharField(_("kab/kota"), max_length=120, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=120, blank=True)
    heir_name = models.CharField(_("nama ahli waris"), max_length=150, blank=True)
    heir_relation = models.CharField(_("hubungan ahli waris"), max_length=60, blank=True)
    # Path of the KTP photo inside LUMBUNG_VAR_DIR/media (members/photos.py); "" when none.
    # Never served by URL: shown inline to staff who may see it, each view audited.
    ktp_photo = models.CharField(_("foto KTP"), max_length=120, blank=True)
    # NIK warnings accepted at registration (unknown region, birth date or gender mismatch).
    nik_warnings = models.JSONField(default=list, blank=True)
    registered_on = models.DateField(_("tanggal daftar"))
    joined_on = models.DateField(_("tanggal menjadi anggota"), null=True, blank=True)
    exited_on = models.DateField(_("tanggal keluar"), null=True, blank=True)

    class Meta:
        ordering = ["cooperative", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "nik"], name="uniq_member_nik"),
            models.UniqueConstraint(
                fields=["cooperative", "number"],
                condition=Q(number__isnull=False),
                name="uniq_member_number",
            ),
            models.CheckConstraint(
                condition=Q(status="calon", number__isnull=True)
                | (~Q(status="calon") & Q(number__isnull=False)),
                name="member_number_iff_joined",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "status"])]

    def __str__(self) -> str:
        return self.name
