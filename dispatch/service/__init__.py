"""Use cases of the CS side; each runs in one transaction (common/transaction.py), nothing half-written."""
