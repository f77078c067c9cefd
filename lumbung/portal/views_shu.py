"""The member's SHU slips: each approved year's share on screen, and the slip as a PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lumbung.portal.access import member_screen
from lumbung.portal.models import MemberSession
from lumbung.portal.shu import member_shu
from lumbung.reports.rat import shu_slip_pdf


@never_cache
@member_screen
def shu_list(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """SHU per book year approved by the RAT: jasa modal, jasa usaha, and where it was paid."""
    return render(request, "portal/shu.html", {
        "session": session, "cooperative": session.cooperative,
        "years": member_shu(cooperative=session.cooperative, member_id=session.member_id),
    })


@member_screen
def shu_slip(request: HttpRequest, session: MemberSession, year: int) -> HttpResponse:
    """The reports app's SHU slip (A6 PDF) for this member and year."""
    found = member_shu(cooperative=session.cooperative, member_id=session.member_id, year=year)
    if not found or found[0].share is None:
        raise Http404
    response = HttpResponse(shu_slip_pdf(session.cooperative, found[0].result,
                                         session.member_id), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="slip-shu-{year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
