"""CS side: tickets, visits, follow-ups and the ticket timeline."""
