"""Expert review (组织评审), the decision and filing (审查报备)."""
