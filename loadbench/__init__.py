"""Load bench of the whole app behind gunicorn: `python -m loadbench` (see README, Production)."""
