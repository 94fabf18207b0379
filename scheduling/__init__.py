"""The optimizer: a pure core (`scheduling.core`, no Flask, no database) and a thin layer that plans days from the app."""
