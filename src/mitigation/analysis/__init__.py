"""Analyses over many solves: fleets of plants, their decomposition, and running
sweeps serially or on Dask."""
