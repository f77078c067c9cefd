"""Tenants (cooperatives), the Dinas offices that supervise them, and who works where."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: cooperative staff, Dinas staff, later members."""

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)

    def display_name(self) -> str:
        return self.full_name or self.get_username()


class SupervisorOffice(models.Model):
    """A Dinas Koperasi dan UKM of a city or regency; supervises cooperatives in its area."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama dinas"), max_length=200)
    # The kab/kota (or province) whose cooperatives this office supervises (Permenkop 9/2020).
    jurisdiction = models.CharField(_("wilayah (kab/kota)"), max_length=120)
    province = models.CharField(_("provinsi"), max_length=120)
    address = models.CharField(_("alamat"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dinas pengawas")
        verbose_name_plural = _("dinas pengawas")

    def __str__(self) -> str:
        return self.name


class Cooperative(models.Model):
    """The tenant. Every tenant-owned row elsewhere carries `cooperative_id`."""

    class Kind(models.TextChoices):
        KSP = "KSP", "KSP (Koperasi Simpan Pinjam)"
        KSPPS = "KSPPS", "KSPPS (Koperasi Simpan Pinjam dan Pembiayaan Syariah)"
        BMT = "BMT", "BMT (Baitul Maal wat Tamwil)"
        USP = "USP", "USP (Unit Simpan Pinjam)"

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktif")
        INACTIVE = "inactive", _("tidak aktif")
        FROZEN = "frozen", _("dibekukan")
        DISSOLVED = "dissolved", _("dibubarkan")

    office = models.ForeignKey(
        SupervisorOffice, on_delete=models.PROTECT, related_name="cooperatives",
        verbose_name=_("dinas pengawas"),
    )
    # Short code used in URLs, the CLI and journal exports (e.g. "ksp-sejahtera").
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama koperasi"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    legal_entity_number = models.CharField(_("nomor badan hukum"), max_length=120, blank=True)
    legal_entity_date = models.DateField(_("tanggal badan hukum"), null=True, blank=True)
    # Nomor Induk Koperasi from ODS; format unconfirmed (regulations.md §6.2), so free text.
    nik_koperasi = models.CharField(_("NIK koperasi"), max_length=40, blank=True)
    street_address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan/desa"), max_length=120, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=120, blank=True)
    city = models.CharField(_("kab/kota"), max_length=120, blank=True)
    province = models.CharField(_("provinsi"), max_length=120, blank=True)
    # The Dinas's own grouping, e.g. the east/west facilitator teams of Kota Tangerang.
    region_label = models.CharField(_("wilayah binaan"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # The cooperative's business day, separate from the wall clock; moved only by `lumbung eod`.
    business_date = models.DateField(_("tanggal usaha"))
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("koperasi")
        verbose_name_plural = _("koperasi")
        indexes = [models.Index(fields=["office", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sharia(self) -> bool:
        return self.kind in {self.Kind.KSPPS, self.Kind.BMT}


class CooperativeRole(models.TextChoices):
    BOARD = "pengurus", _("Pengurus")
    SUPERVISORY_BOARD = "pengawas", _("Pengawas")
    MANAGER = "manajer", _("Manajer")
    ACCOUNTANT = "akuntan", _("Akuntan")
    TELLER = "teller", _("Teller / Kasir")


class OfficeRole(models.TextChoices):
    ANALYST = "analis", _("Analis")
    FACILITATOR = "pendamping", _("Pendamping")


class CooperativeStaff(models.Model):
    """A user's role in one cooperative. A user may hold roles in several cooperatives."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cooperative_roles")
    role = models.CharField(_("peran"), max_length=12, choices=CooperativeRole.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "user", "role"], name="uniq_cooperative_staff_role"
            )
        ]


class OfficeStaff(models.Model):
    """A user's role at one Dinas office. Reads of cooperatives' books are audited."""

    office = models.ForeignKey(SupervisorOffice, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="office_roles")
    role = models.CharField(_("peran"), max_length=12, choices=OfficeRole.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "user", "role"], name="uniq_office_staff_role"
            )
        ]


class RoleLimit(models.Model):
    """Maker-checker limit: the largest amount (sen) a role may move alone for an action.

    Above it the request waits for someone whose own limit covers it. No row = no limit is
    granted (0), so a forgotten configuration fails safe.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="limits")
    role = models.CharField(max_length=12, choices=CooperativeRole.choices)
    action = models.CharField(max_length=40)
    # Amount in sen.
    max_amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "role", "action"], name="uniq_role_limit"
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__gte=0), name="role_limit_gte_0"
            ),
        ]


class LoginFailure(models.Model):
    """One failed login: throttling state, cleared for the username by a successful login."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
