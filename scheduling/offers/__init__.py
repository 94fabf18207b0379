"""Slot offers: the feasible 2-hour slots CS may promise while the customer is on the phone, and booking one."""
