"""Questionnaires (问卷调查): build, answer on a phone, one per person, paper entry, results."""
