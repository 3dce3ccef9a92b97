"""The KPI push: CRM deals in, daily per-agent external metric data out (DESIGN.md §7).

reader     CSV / JSON Lines rows (or row errors with line numbers), streamed
agents     agent key -> Genesys user id (e-mail, or a mapping file)
zones      user -> WFM business-unit time zone; a deal's local day
aggregate  (user, day) -> summed value and deal count, as Decimal
changes    rows -> points (collect) and points vs ledger -> changes (diff); covered days
ledger     SQLite record of acknowledged points
pusher     100-item Total batches, acknowledgements into the ledger; `run` does it all
summary    the dry-run listing and the end-of-run summary
"""
