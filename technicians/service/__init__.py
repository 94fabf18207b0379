"""Use cases of the technician side; each commits once at its end."""
