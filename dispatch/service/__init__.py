"""Use cases of the CS side; each commits once at its end."""
