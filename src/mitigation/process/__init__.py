"""A product as a network of commodities and processes, and its footprint."""
