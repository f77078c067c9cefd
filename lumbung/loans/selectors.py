"""Tenant-scoped reads of the loans app."""

from __future__ import annotations

# Portfolio quality (outstanding, by class, NPL, PAR, provision) for screens, reports and the
# Dinas (supervision's FIGURE_CONTRIBUTORS): see loans/portfolio.py.
from lumbung.loans.portfolio import portfolio_quality

__all__ = ["portfolio_quality"]
