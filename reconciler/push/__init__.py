"""The KPI push: CRM deals in, daily per-agent external metric data out (DESIGN.md §7).

sources    where rows come from: files (reader), Salesforce (SOQL), SQL (SQLAlchemy)
reader     CSV / JSON Lines rows (or row errors with line numbers), streamed
agents     agent key -> Genesys user id (e-mail, or a mapping file)
zones      user -> WFM business-unit time zone; a deal's local day
aggregate  (user, day) -> summed value and deal count, as Decimal
changes    rows -> points (collect) and points vs ledger -> changes (diff); covered days
ledger     record of acknowledged points (SQLite; ledger_pg: PostgreSQL), a lock per metric
lost       an empty ledger for a metric Genesys holds data for: said, and --rebuild
pusher     100-item Total batches, acknowledgements into the ledger; `run` does it all
summary    the dry-run listing and the end-of-run summary
"""
