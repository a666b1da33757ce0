"""Analyses over many solves of a plant's pathway: sensitivity to uncertain inputs."""
