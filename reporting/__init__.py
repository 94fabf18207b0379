"""The manager's dashboard: the measures an after-sales manager watches, computed with SQL aggregates."""
