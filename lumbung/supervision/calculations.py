"""Pure maths of the Dinas console: statement figures from balances, financial ratios, health
scores from a rule set. No ORM here; amounts are int sen, ratios Decimal percent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    # "sen" (amount), "count" (people) or "days"
    unit: str = "sen"
    # May be negative (SHU, cash in a broken book).
    signed: bool = False
    required: bool = False


# The statement figures of one cooperative for one period: the columns of PeriodFigures, the
# rows of the upload template and the keys of `lumbung health --figures FILE.json`.
FIGURES = [
    Figure("cash", "Kas", signed=True, required=True),
    Figure("cash_and_bank", "Kas dan bank", signed=True, required=True),
    Figure("current_assets", "Aset lancar", required=True),
    Figure("loans_outstanding", "Pinjaman/pembiayaan yang diberikan (pokok)", required=True),
    Figure("loans_substandard", "  di antaranya kurang lancar"),
    Figure("loans_doubtful", "  di antaranya diragukan"),
    Figure("loans_loss", "  di antaranya macet"),
    Figure("insider_loans", "Pinjaman kepada pengurus, pengawas dan pihak terkait"),
    Figure("loan_loss_allowance", "Penyisihan/CKPN pinjaman"),
    Figure("total_assets", "Total aset", required=True),
    Figure("current_liabilities", "Kewajiban jangka pendek", required=True),
    Figure("total_liabilities", "Total kewajiban (modal luar)", required=True),
    Figure("member_savings", "Simpanan/tabungan anggota (sukarela dan berjangka)", required=True),
    Figure("share_capital", "Simpanan pokok dan wajib", required=True),
    Figure("equity", "Total ekuitas (modal sendiri)", signed=True, required=True),
    Figure("gross_participation", "Partisipasi bruto anggota (tahun berjalan)", required=True),
    Figure("total_income", "Total pendapatan (tahun berjalan)", required=True),
    Figure("cost_of_funds", "Beban pokok (jasa simpanan)", required=True),
    Figure("operating_expenses", "Beban usaha", required=True),
    Figure("cooperative_expenses", "Beban perkoperasian", required=True),
    Figure("education_expense", "  di antaranya beban pendidikan/pembinaan"),
    Figure("income_tax", "Pajak penghasilan"),
    Figure("shu", "SHU setelah pajak (tahun berjalan)", signed=True, required=True),
    Figure("business_volume", "Volume usaha (tahun berjalan)"),
    Figure("members_male", "Anggota laki-laki", unit="count"),
    Figure("members_female", "Anggota perempuan", unit="count"),
    Figure("managers", "Manajer", unit="count"),
    Figure("employees", "Karyawan", unit="count"),
    Figure("oldest_withdrawal_wait_days", "Penarikan simpanan terlama menunggu (hari)",
           unit="days"),
]
FIGURE_NAMES = [figure.name for figure in FIGURES]
AMOUNT_NAMES = [figure.name for figure in FIGURES if figure.unit == "sen"]

Figures = Mapping[str, int | None]


# ---------------------------------------------------------------- figures from the books


def _net(balances: Mapping[str, tuple[int, int]], prefixes: Iterable[str], side: str) -> int:
    debit = credit = 0
    for code, (line_debit, line_credit) in balances.items():
        if any(code.startswith(prefix) for prefix in prefixes):
            debit += line_debit
            credit += line_credit
    return debit - credit if side == "D" else credit - debit


def figures_from_balances(
    balances: Mapping[str, tuple[int, int]],
    year_start: Mapping[str, tuple[int, int]],
    mapping: Mapping[str, Mapping[str, Any]],
) -> dict[str, int]:
    """Statement figures from trial-balance rows {account code: (debit, credit)}.

    `balances` are cumulative up to the period's end, `year_start` up to the end of the
    previous year: income and expense figures are the difference (the year to date). Equity
    includes the surplus not yet closed into the equity accounts, so assets = liabilities +
    equity holds.
    """

    def net(name: str, source: Mapping[str, tuple[int, int]]) -> int:
        rule = mapping[name]
        return _net(source, rule["prefixes"], rule["side"])

    figures = {name: net(name, balances) for name in mapping
               if name not in {"equity_accounts"}}
    for name in ("gross_participation", "total_income", "cost_of_funds", "operating_expenses",
                 "cooperative_expenses", "education_expense", "other_expenses", "income_tax"):
        figures[name] -= net(name, year_start)
    unclosed = (_net(balances, ["4"], "C") - _net(balances, ["5", "6"], "D"))
    figures["equity"] = net("equity_accounts", balances) + unclosed
    figures["shu"] = figures["total_income"] - (
        figures["cost_of_funds"] + figures["operating_expenses"]
        + figures["cooperative_expenses"] + figures.pop("other_expenses") + figures["income_tax"])
    figures["business_volume"] = figures["total_income"]
    return figures


# ---------------------------------------------------------------- ratios


def percent_of(numerator: int | None, denominator: int | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP)


def _sum(*values: int | None) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _difference(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def _growth(now: int | None, before: int | None) -> Decimal | None:
    if now is None or before is None or before <= 0:
        return None
    return percent_of(now - before, before)


# Every ratio a rule set may name: Indonesian name and formula, for screens and the PDF.
RATIO_LABELS = {
    "roa": ("Rentabilitas aset (ROA)", "SHU / total aset"),
    "roe": ("Rentabilitas ekuitas (ROE)", "SHU / ekuitas"),
    "operating_self_reliance": ("Kemandirian operasional",
                                "(partisipasi bruto − beban pokok) / (beban usaha + "
                                "beban perkoperasian)"),
    "bopo": ("Beban operasional thd pendapatan operasional (BOPO)",
             "(beban pokok + beban usaha + beban perkoperasian) / partisipasi bruto"),
    "opex_to_gross_shu": ("Beban usaha thd SHU kotor", "beban usaha / (pendapatan − beban pokok)"),
    "net_profit_margin": ("Net profit margin", "SHU / total pendapatan"),
    "npl": ("Pinjaman bermasalah (NPL)", "(kurang lancar + diragukan + macet) / pinjaman"),
    "risk_weighted_npl": ("Risiko pinjaman bermasalah",
                          "(50% KL + 75% D + 100% M) / pinjaman"),
    "allowance_to_risk": ("Cadangan risiko thd risiko pinjaman bermasalah",
                          "CKPN / risiko pinjaman bermasalah"),
    "liquid_to_assets": ("Aset likuid thd total aset", "kas dan bank / total aset"),
    "liquid_to_current_liabilities": ("Aset likuid thd kewajiban lancar",
                                      "kas dan bank / kewajiban jangka pendek"),
    "loans_to_funds": ("Pinjaman thd dana yang diterima",
                       "pinjaman / (kewajiban + ekuitas)"),
    "current_ratio": ("Aset lancar thd kewajiban jangka pendek",
                      "aset lancar / kewajiban jangka pendek"),
    "asset_growth": ("Pertumbuhan aset", "(aset − aset tahun lalu) / aset tahun lalu"),
    "equity_growth": ("Pertumbuhan ekuitas", "(ekuitas − ekuitas tahun lalu) / ekuitas tahun lalu"),
    "shu_growth": ("Pertumbuhan SHU", "(SHU − SHU tahun lalu) / SHU tahun lalu"),
    "main_income_share": ("Pendapatan utama thd total pendapatan",
                          "partisipasi bruto / total pendapatan"),
    "shu_to_member_capital": ("SHU thd simpanan pokok dan wajib", "SHU / (SP + SW)"),
    "education_to_shu": ("Beban pendidikan thd SHU", "beban pendidikan / SHU"),
    "equity_to_assets": ("Ekuitas thd total aset", "ekuitas / total aset"),
    "equity_to_loans": ("Modal sendiri thd pinjaman diberikan", "ekuitas / pinjaman"),
    "member_funding_to_assets": ("Modal pinjaman anggota thd total aset",
                                 "simpanan anggota / total aset"),
    "insider_loans_to_equity": ("Pinjaman pihak terkait thd modal sendiri",
                                "pinjaman pihak terkait / ekuitas"),
}


def ratios(figures: Figures, previous: Figures | None = None) -> dict[str, Decimal | None]:
    """Every ratio in RATIO_LABELS (percent, two decimals); None where a figure is missing or a
    denominator is zero. `previous`: the same figures a year earlier, for the growth ratios."""
    f = figures
    previous = previous or {}
    bad = _sum(f.get("loans_substandard"), f.get("loans_doubtful"), f.get("loans_loss"))
    risk = None
    if bad is not None:
        risk = (Decimal(f["loans_substandard"] or 0) * Decimal("0.5")
                + Decimal(f["loans_doubtful"] or 0) * Decimal("0.75") + (f["loans_loss"] or 0))
    cost = _sum(f.get("cost_of_funds"), f.get("operating_expenses"),
                f.get("cooperative_expenses"))
    gross_shu = _difference(f.get("total_income"), f.get("cost_of_funds"))
    self_reliance_num = _difference(f.get("gross_participation"), f.get("cost_of_funds"))
    funds = _sum(f.get("total_liabilities"), f.get("equity"))
    return {
        "roa": percent_of(f.get("shu"), f.get("total_assets")),
        "roe": percent_of(f.get("shu"), f.get("equity")),
        "operating_self_reliance": percent_of(self_reliance_num, _sum(
            f.get("operating_expenses"), f.get("cooperative_expenses"))),
        "bopo": percent_of(cost, f.get("gross_participation")),
        "opex_to_gross_shu": percent_of(f.get("operating_expenses"), gross_shu),
        "net_profit_margin": percent_of(f.get("shu"), f.get("total_income")),
        "npl": percent_of(bad, f.get("loans_outstanding")),
        "risk_weighted_npl": (None if risk is None
                              else percent_of(int(risk), f.get("loans_outstanding"))),
        "allowance_to_risk": (None if not risk
                              else percent_of(f.get("loan_loss_allowance"), int(risk))),
        "liquid_to_assets": percent_of(f.get("cash_and_bank"), f.get("total_assets")),
        "liquid_to_current_liabilities": percent_of(f.get("cash_and_bank"),
                                              f.get("current_liabilities")),
        "loans_to_funds": percent_of(f.get("loans_outstanding"), funds),
        "current_ratio": percent_of(f.get("current_assets"), f.get("current_liabilities")),
        "asset_growth": _growth(f.get("total_assets"), previous.get("total_assets")),
        "equity_growth": _growth(f.get("equity"), previous.get("equity")),
        "shu_growth": _growth(f.get("shu"), previous.get("shu")),
        "main_income_share": percent_of(f.get("gross_participation"), f.get("total_income")),
        "shu_to_member_capital": percent_of(f.get("shu"), f.get("share_capital")),
        "education_to_shu": percent_of(f.get("education_expense"), f.get("shu")),
        "equity_to_assets": percent_of(f.get("equity"), f.get("total_assets")),
        "equity_to_loans": percent_of(f.get("equity"), f.get("loans_outstanding")),
        "member_funding_to_assets": percent_of(f.get("member_savings"), f.get("total_assets")),
        "insider_loans_to_equity": percent_of(f.get("insider_loans"), f.get("equity")),
    }


# ---------------------------------------------------------------- bands and scores

CONDITION = re.compile(r"^\s*(>=|<=|>|<|==)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")


def condition_holds(condition: str, value: Decimal) -> bool:
    """A band condition such as ">= 7" or "< 80" (all of a list must hold)."""
    match = CONDITION.match(condition)
    if not match:
        raise ValueError(f"band condition {condition!r}")
    operator, number = match.group(1), Decimal(match.group(2))
    return {
        ">=": value >= number, "<=": value <= number, ">": value > number,
        "<": value < number, "==": value == number,
    }[operator]


def band_score(bands: list[dict[str, Any]], value: Decimal) -> Decimal:
    """The score of the first band whose conditions all hold (a band without `when` always
    holds). A band may score `stepped: N` instead: the value rounded down to a multiple of N,
    capped at `max`."""
    for band in bands:
        when = band.get("when", [])
        conditions = [when] if isinstance(when, str) else when
        if all(condition_holds(c, value) for c in conditions):
            if "stepped" in band:
                step = Decimal(str(band["stepped"]))
                stepped = (max(value, Decimal(0)) // step) * step
                return min(stepped, Decimal(str(band["max"])))
            return Decimal(str(band["score"]))
    raise ValueError("no band matched; the last band of a rule needs no condition")


def checklist_percent(items: list[dict[str, Any]], answers: Mapping[str, bool]) -> Decimal | None:
    """Share of checklist items fulfilled, in percent; None when none was answered."""
    answered = [bool(answers[item["code"]]) for item in items if item["code"] in answers]
    if not answered:
        return None
    return percent_of(sum(answered), len(answered))


@dataclass
class IndicatorResult:
    code: str
    name: str
    kind: str
    value: Decimal | None
    score: Decimal | None
    max_score: Decimal
    weight: Decimal
    confidence: str
    source: str
    note: str = ""


@dataclass
class AspectResult:
    code: str
    name: str
    weight: Decimal
    score_percent: Decimal | None
    indicators: list[IndicatorResult] = field(default_factory=list)


@dataclass
class Rating:
    ruleset: str
    version: str
    final_score: Decimal
    category: str
    complete: bool
    aspects: list[AspectResult]
    ratios: dict[str, Decimal | None]
    unconfirmed: list[str]

    def as_dict(self) -> dict[str, Any]:
        def num(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "ruleset": self.ruleset,
            "version": self.version,
            "final_score": num(self.final_score),
            "category": self.category,
            "complete": self.complete,
            "unconfirmed": self.unconfirmed,
            "ratios": {name: num(value) for name, value in self.ratios.items()},
            "aspects": [{
                "code": a.code, "name": a.name, "weight": num(a.weight),
                "score_percent": num(a.score_percent),
                "indicators": [{
                    "code": i.code, "name": i.name, "kind": i.kind, "value": num(i.value),
                    "score": num(i.score), "max_score": num(i.max_score),
                    "weight": num(i.weight), "confidence": i.confidence, "source": i.source,
                    "note": i.note,
                } for i in a.indicators],
            } for a in self.aspects],
        }


UNSURE = {"UNCONFIRMED", "CODE-ONLY"}


def category_for(categories: list[dict[str, Any]], score: Decimal) -> str:
    for category in categories:
        if score >= Decimal(str(category["min"])):
            return str(category["name"])
    return str(categories[-1]["name"])


def rate(ruleset: Mapping[str, Any], figures: Figures, previous: Figures | None,
         checklist: Mapping[str, bool]) -> Rating:
    """Rate one cooperative's period under a rule set (see rules/health/*.yaml).

    Each indicator scores on the rule set's scale (`max_score`); an aspect's score is the
    weighted share of its indicators' maximum, in percent; the final score the weighted mean of
    the aspects. Indicators without data are left out and the rating marked incomplete.
    """
    computed = ratios(figures, previous)
    max_score = Decimal(str(ruleset["max_score"]))
    aspects = []
    unconfirmed: list[str] = []
    complete = True
    for aspect in ruleset["aspects"]:
        results = []
        for indicator in aspect["indicators"]:
            kind = "checklist" if "items" in indicator else "ratio"
            if kind == "checklist":
                value = checklist_percent(indicator["items"], checklist)
            else:
                value = computed.get(indicator["ratio"])
            score = None if value is None else band_score(indicator["bands"], value)
            confidence = indicator.get("confidence", ruleset.get("confidence", ""))
            if confidence in UNSURE:
                unconfirmed.append(f"{indicator['name']} ({confidence})")
            if score is None:
                complete = False
            results.append(IndicatorResult(
                code=indicator["code"], name=indicator["name"], kind=kind, value=value,
                score=score, max_score=max_score, weight=Decimal(str(indicator.get("weight", 1))),
                confidence=confidence, source=indicator.get("source", ""),
                note="" if score is not None else "data tidak tersedia",
            ))
        scored = [r for r in results if r.score is not None]
        total_weight = sum((r.weight for r in scored), Decimal(0))
        percent = None
        if total_weight:
            percent = (sum((r.score / max_score * r.weight for r in scored  # type: ignore[operator]
                            ), Decimal(0)) * HUNDRED / total_weight).quantize(
                TWO_PLACES, rounding=ROUND_HALF_UP)
        aspects.append(AspectResult(code=aspect["code"], name=aspect["name"],
                                    weight=Decimal(str(aspect["weight"])),
                                    score_percent=percent, indicators=results))
    if ruleset.get("weights_confidence") in UNSURE:
        unconfirmed.insert(0, f"Bobot aspek ({ruleset['weights_confidence']})")
    if ruleset.get("categories_confidence") in UNSURE:
        unconfirmed.insert(0, f"Batas kategori ({ruleset['categories_confidence']})")
    weighted = [a for a in aspects if a.score_percent is not None]
    weight_sum = sum((a.weight for a in weighted), Decimal(0))
    final = Decimal(0)
    if weight_sum:
        final = (sum((a.score_percent * a.weight for a in weighted  # type: ignore[operator]
                      ), Decimal(0)) / weight_sum).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return Rating(
        ruleset=ruleset["name"], version=str(ruleset["version"]), final_score=final,
        category=category_for(ruleset["categories"], final), complete=complete,
        aspects=aspects, ratios=computed, unconfirmed=unconfirmed,
    )
