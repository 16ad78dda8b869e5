"""Prefect orchestration of the plain functions in ``channels``; no logic of its own."""
