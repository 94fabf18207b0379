"""Webhook use cases: endpoints (register, change, remove) and deliveries (fan out, send, list, replay)."""
