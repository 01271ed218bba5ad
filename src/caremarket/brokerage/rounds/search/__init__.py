"""The planner's search: construction, destroy-and-repair moves and acceptance."""
