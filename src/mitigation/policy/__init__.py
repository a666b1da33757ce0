"""Policy instruments and barriers, their effect on the pathway, and comparisons."""
