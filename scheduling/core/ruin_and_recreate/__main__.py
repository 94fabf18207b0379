"""`python -m scheduling.core.ruin_and_recreate`: compile the search (or load it from numba's cache) now."""
from scheduling.core.ruin_and_recreate.driver import warm_up

if __name__ == "__main__":
    warm_up()
