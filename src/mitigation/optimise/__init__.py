"""Least-cost abatement pathways: model building, solving and results."""
