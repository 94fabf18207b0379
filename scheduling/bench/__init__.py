"""Benchmarks of the scheduling core: Solomon VRPTW instances and a generated field-service day."""
