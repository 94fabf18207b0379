"""Stored plans and solve jobs."""
