"""Remedies on a ticket: the ladder (explanation, coupon, compensation, exchange, return), the manager's
approval of compensation beyond CS's limit, return orders with their pickup visit and destination warehouse,
and the warehouse's receipt check."""
