"""Assessor workspace pages (民意汇集, analysis runs, curation) under /staff/matters/<id>/analysis."""
from flask import Blueprint

bp = Blueprint("analysis", __name__, url_prefix="/staff/matters/<int:matter_id>/analysis")
