"""Opinion analysis engine: resident texts in, risk-point candidates out.

The pure pipeline lives in :mod:`consult.analysis.pipeline` (no Flask, no
SQLAlchemy); ``python -m consult.analysis`` is its command line.
"""
