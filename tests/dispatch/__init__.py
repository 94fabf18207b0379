"""CS side: tickets, visits, follow-ups."""
