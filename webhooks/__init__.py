"""Signed webhooks to outside CS systems: endpoints admins register, and delivery of the outbox's events."""
