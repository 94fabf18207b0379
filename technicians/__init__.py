"""Technicians, skills, shifts, mobile pages, status updates and service reports."""
