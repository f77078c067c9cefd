"""The member's app: accounts, live feed, receipts, bill payments, loan applications."""
