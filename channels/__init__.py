"""Plain-Python core of the publishing pipeline: load, render, extract, check, promote.

Nothing in this package imports Prefect; ``flows/`` orchestrates these functions.
"""
