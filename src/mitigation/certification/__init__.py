"""Enterprise data collection, certification checks and monitoring.

The path of a plant's data: :mod:`~mitigation.certification.layout` derives from a
product's process model which activity data a plant reports for a year (so a new
product gets its template from its model file alone);
:mod:`~mitigation.certification.template` writes that layout as an Excel workbook or a
CSV form; :mod:`~mitigation.certification.filled` reads a filled one back and lists
every problem at once; :mod:`~mitigation.certification.check` computes the footprint
from the data and judges it against the label threshold;
:mod:`~mitigation.certification.monitor` follows a plant over several years.
"""
