"""Reconcile: read the live org, plan the difference from a `Manifest`, apply it, export it."""
