"""survey responses: facts for the rate breakdowns; survey answers: only response_id is a foreign key

The facts (group, distance, awareness, support option of each response) make the rates one
GROUP BY. The other foreign keys of survey_answers locked shared question/option rows for every
concurrent submission; the application checks them (see consult.surveys.models.Answer).

Revision ID: 0005_surveys_facts
Revises: 0006_job_runs
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

import consult.models  # noqa: F401  (UTCDateTime in the models this schema mirrors)

revision = "0005_surveys_facts"
down_revision = "0006_job_runs"  # after the tracked-jobs table: one head
branch_labels = None
depends_on = None

FACTS = (("group_option_id", "group_question_id"), ("distance_option_id", "distance_question_id"),
         ("aware_option_id", "awareness_question_id"), ("support_option_id", "support_question_id"))


ANSWER_FKS = (("fk_survey_answers_survey_id_surveys", "surveys", "survey_id", "CASCADE"),
              ("fk_survey_answers_question_id_survey_questions", "survey_questions", "question_id", None),
              ("fk_survey_answers_option_id_survey_options", "survey_options", "option_id", None),
              ("fk_survey_answers_row_id_survey_options", "survey_options", "row_id", None))


def upgrade():
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        for name, *_ in ANSWER_FKS:
            batch_op.drop_constraint(name, type_="foreignkey")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        for column, _ in FACTS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    for column, definition in FACTS:  # derive them for the responses already stored
        op.execute(f"""
            UPDATE survey_responses SET {column} = (
                SELECT a.option_id FROM survey_answers a JOIN surveys s ON s.id = survey_responses.survey_id
                WHERE a.response_id = survey_responses.id AND a.question_id = s.{definition}
                  AND a.row_id IS NULL
                LIMIT 1)""")


def downgrade():
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        for column, _ in reversed(FACTS):
            batch_op.drop_column(column)
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        for name, table, column, ondelete in ANSWER_FKS:
            batch_op.create_foreign_key(name, table, [column], ["id"], ondelete=ondelete)
