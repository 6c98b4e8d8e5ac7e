"""The assessment: matter risk level, outcome, report versions and their renderers."""
