"""The teller's cash drawer, counter transactions and receipts."""
