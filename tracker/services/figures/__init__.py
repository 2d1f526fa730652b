"""Figures: which update counts, the progress and schedule maths, and the figures built on them.

The dashboard, roadmap, trends, needs-attention and compliance figures, and who owes which
update (`obligations`).
"""
