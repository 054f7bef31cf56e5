"""Scoring event streams against ground-truth labels (format: docs/events.md)."""
