"""The pure analysis pipeline: texts in, dataclasses out. No Flask, no SQLAlchemy."""
from .engine import PIPELINE_VERSION, run
from .model import AnalysisResult, Document, DuplicateGroup, Escalation, Params, RiskPoint
from . import fitstate  # noqa: F401  (warm-start state, see fitstate.py)

__all__ = ["PIPELINE_VERSION", "run", "AnalysisResult", "Document", "DuplicateGroup", "Escalation", "Params", "RiskPoint"]
