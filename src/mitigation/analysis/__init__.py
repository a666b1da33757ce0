"""Analyses over many solves: sensitivity of a plant's pathway to its uncertain
inputs, fleets of plants and their decomposition, and running sweeps serially or on
Dask."""
