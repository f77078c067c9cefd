"""The Dinas side: the registry of every cooperative in the jurisdiction, the digitalisation
rollout, period figures (snapshots from the books or uploads), checkpoints received, health
ratings and early warnings.

Every row carries `office_id`: a Dinas sees only its own registry. A registry entry may point at
an on-platform `Cooperative`; the Dinas then reads that cooperative's figures through the
snapshot the end-of-day step writes here, never its journal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lumbung.tenancy.models import Cooperative, SupervisorOffice


class Team(models.TextChoices):
    EAST = "timur", _("Tim Timur")
    WEST = "barat", _("Tim Barat")


class Stage(models.TextChoices):
    """Stages of the digitalisation programme, in the order a cooperative passes them."""

    NONE = "belum", _("Belum mulai")
    SOCIALISATION = "sosialisasi", _("Sosialisasi")
    VERIFICATION = "verifikasi", _("Verifikasi")
    PILOT = "pilot", _("Pilot")
    LIVE = "live", pgettext_lazy("rollout stage", "Live")


STAGE_ORDER = [Stage.SOCIALISATION, Stage.VERIFICATION, Stage.PILOT, Stage.LIVE]


class ReportingStatus(models.TextChoices):
    ON_TIME = "tepat", _("Lapor tepat waktu")
    LATE = "terlambat", _("Terlambat lapor")
    NONE = "tidak", _("Tidak lapor")


class RegistryEntry(models.Model):
    """One cooperative in a Dinas's registry, on the platform (`cooperative`) or not."""

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="registry")
    # The Dinas's own key for the cooperative (import rows are matched on it).
    code = models.SlugField(_("kode"), max_length=40)
    cooperative = models.OneToOneField(
        Cooperative, null=True, blank=True, on_delete=models.PROTECT, related_name="registry_entry"
    )
    name = models.CharField(_("nama koperasi"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=8, choices=Cooperative.Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Cooperative.Status.choices,
                              default=Cooperative.Status.ACTIVE)
    legal_entity_number = models.CharField(_("nomor badan hukum"), max_length=120, blank=True)
    legal_entity_date = models.DateField(_("tanggal badan hukum"), null=True, blank=True)
    # Nomor Induk Koperasi (ODS); format unconfirmed (regulations.md §6.2), so free text.
    nik_koperasi = models.CharField(_("NIK koperasi"), max_length=40, blank=True)
    # The NIK certificate's expiry (2 years in DKI practice, [SECONDARY]).
    nik_valid_until = models.DateField(_("NIK berlaku s.d."), null=True, blank=True)
    licence_number = models.CharField(_("nomor izin usaha simpan pinjam"), max_length=120,
                                      blank=True)
    licence_date = models.DateField(_("tanggal izin"), null=True, blank=True)
    street_address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan"), max_length=120, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=120, blank=True)
    region_label = models.CharField(_("wilayah"), max_length=60, blank=True)
    team = models.CharField(_("tim pendamping"), max_length=8, choices=Team.choices, blank=True)
    chair_name = models.CharField(_("ketua pengurus"), max_length=150, blank=True)
    chair_phone = models.CharField(_("HP ketua"), max_length=30, blank=True)
    secretary_name = models.CharField(_("sekretaris"), max_length=150, blank=True)
    secretary_phone = models.CharField(_("HP sekretaris"), max_length=30, blank=True)
    treasurer_name = models.CharField(_("bendahara"), max_length=150, blank=True)
    treasurer_phone = models.CharField(_("HP bendahara"), max_length=30, blank=True)
    supervisor_name = models.CharField(_("ketua pengawas"), max_length=150, blank=True)
    members_male = models.PositiveIntegerField(_("anggota laki-laki"), default=0)
    members_female = models.PositiveIntegerField(_("anggota perempuan"), default=0)
    managers = models.PositiveIntegerField(_("jumlah manajer"), default=0)
    employees = models.PositiveIntegerField(_("jumlah karyawan"), default=0)
    rat_held_on = models.DateField(_("tanggal RAT terakhir"), null=True, blank=True)
    reporting_status = models.CharField(_("status pelaporan"), max_length=10,
                                        choices=ReportingStatus.choices,
                                        default=ReportingStatus.NONE)
    # The furthest rollout stage reached (the steps themselves are RolloutStep rows).
    stage = models.CharField(_("tahap digitalisasi"), max_length=12, choices=Stage.choices,
                             default=Stage.NONE)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("pendamping"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="uniq_registry_code"),
        ]
        indexes = [models.Index(fields=["office", "kecamatan"])]

    def __str__(self) -> str:
        return self.name

    @property
    def members_total(self) -> int:
        return self.members_male + self.members_female


class RegistryChange(models.Model):
    """One change to a registry entry: who, when, how (form or import) and what. Append-only."""

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    source = models.CharField(max_length=20)
    # {field: [old, new]} as text; {"*": ["", "dibuat"]} when the entry was created.
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]


class RolloutStep(models.Model):
    """A cooperative reached a stage of the programme on a date."""

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    date = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        ordering = ["entry", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "stage"], name="uniq_rollout_step"),
        ]


class RolloutEvent(models.Model):
    """A socialisation or training session held by a team in a kelurahan."""

    class Kind(models.TextChoices):
        SOCIALISATION = "sosialisasi", _("Sosialisasi")
        TRAINING = "pelatihan", _("Pelatihan")

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT,
                               related_name="rollout_events")
    kind = models.CharField(_("jenis kegiatan"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("tanggal"))
    kelurahan = models.CharField(_("kelurahan"), max_length=120)
    team = models.CharField(_("tim"), max_length=8, choices=Team.choices)
    title = models.CharField(_("judul"), max_length=200)
    # People present (from every cooperative together).
    attendee_count = models.PositiveIntegerField(_("jumlah peserta"), default=0)
    notes = models.CharField(_("catatan"), max_length=500, blank=True)
    cooperatives = models.ManyToManyField(RegistryEntry, blank=True, related_name="events")

    class Meta:
        ordering = ["-date", "-id"]


class FiguresSource(models.TextChoices):
    PLATFORM = "platform", _("Dari buku Lumbung")
    UPLOAD = "unggah", _("Unggahan XLSX")


class PeriodFigures(models.Model):
    """A cooperative's statement figures for one month (period = the month's last day).

    Written by the end-of-day snapshot (on-platform) or an upload; never transaction detail.
    Amounts in sen; None where the source did not give the figure. One row per entry and period,
    replaced as the month goes on (`as_of` says up to which day).
    """

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="figures")
    period = models.DateField()
    as_of = models.DateField()
    source = models.CharField(max_length=10, choices=FiguresSource.choices)
    received_at = models.DateTimeField(auto_now=True)
    # --- neraca (sen)
    cash = models.BigIntegerField(null=True)
    cash_and_bank = models.BigIntegerField(null=True)
    current_assets = models.BigIntegerField(null=True)
    loans_outstanding = models.BigIntegerField(null=True)
    loans_substandard = models.BigIntegerField(null=True)
    loans_doubtful = models.BigIntegerField(null=True)
    loans_loss = models.BigIntegerField(null=True)
    insider_loans = models.BigIntegerField(null=True)
    loan_loss_allowance = models.BigIntegerField(null=True)
    total_assets = models.BigIntegerField(null=True)
    current_liabilities = models.BigIntegerField(null=True)
    total_liabilities = models.BigIntegerField(null=True)
    member_savings = models.BigIntegerField(null=True)
    share_capital = models.BigIntegerField(null=True)
    equity = models.BigIntegerField(null=True)
    # --- perhitungan hasil usaha, year to date (sen)
    gross_participation = models.BigIntegerField(null=True)
    total_income = models.BigIntegerField(null=True)
    cost_of_funds = models.BigIntegerField(null=True)
    operating_expenses = models.BigIntegerField(null=True)
    cooperative_expenses = models.BigIntegerField(null=True)
    education_expense = models.BigIntegerField(null=True)
    income_tax = models.BigIntegerField(null=True)
    shu = models.BigIntegerField(null=True)
    business_volume = models.BigIntegerField(null=True)
    # --- people and service
    members_male = models.PositiveIntegerField(null=True)
    members_female = models.PositiveIntegerField(null=True)
    managers = models.PositiveIntegerField(null=True)
    employees = models.PositiveIntegerField(null=True)
    # Days the oldest withdrawal request has been waiting for approval, on `as_of`.
    oldest_withdrawal_wait_days = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["entry", "period"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "period"], name="uniq_figures_period"),
        ]
        indexes = [
            # Covers the consolidation's trend (every period's sum of these three columns), so
            # the dashboard never reads the table rows of an office's whole history.
            models.Index(fields=["office", "period", "total_assets", "member_savings",
                                 "loans_outstanding"], name="figures_office_trend"),
        ]


class ReceivedCheckpoint(models.Model):
    """The Dinas's own copy of a cooperative's end-of-day checkpoint. Append-only.

    Kept apart from the ledger's table, so rewriting the books (and their checkpoints) after the
    fact shows up as a difference against this copy.
    """

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    first_number = models.BigIntegerField()
    last_number = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    chain_head = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative", "date"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "date"],
                                    name="uniq_received_checkpoint"),
        ]


class HealthRating(models.Model):
    """A health rating of one cooperative for one period under one rule set.

    `result` holds every ratio, indicator score, aspect score and the rule set's tags, exactly
    as computed, so a later change of rules never rewrites an old rating.
    """

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="ratings")
    period = models.DateField()
    ruleset = models.CharField(max_length=60)
    ruleset_version = models.CharField(max_length=30)
    # Examiner's checklist answers: {item code: true/false}.
    checklist = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    final_score = models.DecimalField(max_digits=6, decimal_places=2)
    category = models.CharField(max_length=40)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-period", "-rated_at"]
        indexes = [models.Index(fields=["office", "period"])]


class Alert(models.Model):
    """An early warning about one cooperative: which rule, why, and what the Dinas did."""

    class Status(models.TextChoices):
        OPEN = "terbuka", _("Terbuka")
        ACKNOWLEDGED = "diketahui", _("Diketahui")
        RESOLVED = "selesai", _("Selesai")

    office = models.ForeignKey(SupervisorOffice, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=40)
    # What the rule looked at (a period, a checkpoint date, a RAT year), so a fixed problem that
    # comes back later is a new alert.
    subject = models.CharField(max_length=40)
    severity = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-severity", "-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rule", "subject"], name="uniq_alert"),
        ]
        indexes = [models.Index(fields=["office", "status"])]
