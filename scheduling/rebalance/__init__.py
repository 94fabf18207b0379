"""Rebalancing a region's day under way: preview the change set, apply exactly it, tell the people it moves."""
