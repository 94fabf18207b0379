"""The default search engine: ruin and recreate with simulated annealing over route arrays, compiled by numba.

`encode` turns a Problem into the flat arrays the compiled code works on and the result back into routes;
`driver` runs the annealing; `moves` holds ruin, recreate and the annealing step; `routes` the route timing
and feasibility; `eject` the ejection search for visits left out of a packed day; `cache` keeps numba's
compiled cache in step with these sources. `python -m scheduling.core.ruin_and_recreate` compiles it.
"""
