"""Names of the places in the tuples the compiled search works on (numba reads module constants as literals).

`problem` is driver._problem_tuple(SearchData): one array per field, in this order. `state` is
driver.fresh_state: the route arrays of one plan. `costs` is the search's three running costs.
"""

from __future__ import annotations

# problem: places are visits 0..n-1, then the technicians' start and end places
COST = 0  # places x places, the objective (travel time or distance)
DURATION = 1  # places x places, travel time
SERVICE = 2  # per visit, service duration
DEMAND = 3  # per visit
PENALTY = 4  # per visit, the cost of leaving it out
WINDOW_COUNT = 5  # per visit, number of service start windows
WINDOW_START = 6  # visits x windows
WINDOW_END = 7  # visits x windows
ALLOWED = 8  # visits x technicians, 1 = may do it
START_PLACE = 9  # per technician
END_PLACE = 10
SHIFT_START = 11
SHIFT_END = 12
CAPACITY = 13
MAX_VISITS = 14
NEIGHBOURS = 15  # visits x visits, nearest first
DEPOT_COST = 16  # per visit, cost from the first technician's start place
BREAK_COUNT = 17  # per technician
BREAK_START = 18  # technicians x breaks (window order): window start
BREAK_END = 19  # window end
BREAK_DURATION = 20
PIN_ORDER = 21  # per visit, sort key of its pinned sequence or NONE
SETTINGS = 22  # the small array below
PROBLEM_FIELDS = 23

# problem[SETTINGS]
FAIR_VISITS = 0  # visits above this many per technician cost BALANCE_COST each
BALANCE_COST = 1
NEAR_VISITS = 2  # on big days a visit is only tried in routes through this many of its nearest visits
SETTINGS_FIELDS = 3

# state: one plan's route arrays
ROUTES = 0  # technicians x (visits + 1), the visits of each route in order
LENGTHS = 1  # per technician
EARLIEST = 2  # technicians x positions, earliest service start
LATEST = 3  # technicians x positions, latest service start keeping the rest of the route
LOAD = 4  # per technician
ROUTE_COST = 5  # per technician
ROUTE_OF = 6  # per visit, its technician or NONE when left out
POSITION = 7  # per visit, its position on that route
READY_AFTER = 8  # technicians x positions (routes with breaks): free again after this stop
TAKEN_AFTER = 9  # technicians x positions (routes with breaks): breaks taken by then
STATE_FIELDS = 10

# costs
CURRENT_COST = 0
BEST_COST = 1
JUDGED_COST = 2  # the current plan's cost with the search's softer drop penalties
