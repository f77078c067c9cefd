"""Savings products and accounts: pokok, wajib, sukarela, berjangka, wadiah, mudharabah."""
