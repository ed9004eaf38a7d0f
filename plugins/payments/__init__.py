"""Top-ups through Telegram: Stars invoices, checkout answers, receipts outcomes."""
