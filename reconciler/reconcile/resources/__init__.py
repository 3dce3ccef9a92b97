"""One module per resource kind: its normal form, its API payloads, and the client calls it uses.

Adding a kind means a module here (desired_*/live_* normal forms and *_body payloads), a `Kind`,
its model in `manifests/models.py`, and its branches in the planner and applier.
"""
