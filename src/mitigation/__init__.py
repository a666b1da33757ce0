"""Least-cost greenhouse-gas abatement for Chinese industrial products.

The package follows the path the data takes: ``inputs`` reads and checks the tables in
``data/``, the product models in ``models/`` and the scenarios in ``scenarios/``;
``process`` turns a product model into a network whose footprint it evaluates;
``optimise`` builds and solves the least-cost pathway; ``report`` and ``cli`` present
the results.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
