"""Loans and sharia financing: products, schedules, approvals, repayments, collectibility."""
