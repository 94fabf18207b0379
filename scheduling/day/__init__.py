"""A region's day between the database and the pure core: the one place its problem is built.

Day plans (`scheduling/service.py`), slot offers (`scheduling/offers/`), rebalance (`scheduling/rebalance/`)
and the board's drags all read a technician's day, its shift (with a rebalance's override) and its visits
from here, so they cannot disagree about who works when.
"""
