"""Validate: check a run's clean data against the target schema and rules."""
