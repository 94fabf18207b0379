"""Manual assignment: a dispatcher puts a visit on a technician's day by hand, under that day's lock."""
