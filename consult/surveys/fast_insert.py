"""A resident's submission on PostgreSQL in ONE statement (the hot path).

Data-modifying CTEs insert the response and all its answers (unnest of parallel arrays) only
if the survey still has the version the cached structure was built from, and flag a repeated
device in the same statement. Fixed text, so psycopg prepares it once per connection.
Returns None when the version differs (nothing is stored); other databases use the portable
path in responses.py.
"""
from __future__ import annotations

import json

from sqlalchemy import text

from consult.extensions import db

_DUP_FLAGS = json.dumps(["duplicate_device"])

INSERT_PG = text("""
WITH s AS (
  SELECT id FROM surveys
  WHERE id = CAST(:survey_id AS integer) AND version = CAST(:version AS integer)
    AND created_at = CAST(:created_at AS timestamptz)),
dup AS (
  SELECT CAST(:is_duplicate AS boolean) OR (CAST(:device_hash AS varchar) IS NOT NULL AND EXISTS (
    SELECT 1 FROM survey_responses d
    WHERE d.survey_id = CAST(:survey_id AS integer) AND d.device_hash = CAST(:device_hash AS varchar))) AS v),
r AS (
  INSERT INTO survey_responses (survey_id, receipt_code, channel, enumerator, entered_by_id, device_hash,
    client_hash, phone_hash, invitation_id, answers_hash, is_duplicate, flags, submitted_at,
    group_option_id, distance_option_id, aware_option_id, support_option_id)
  SELECT s.id, CAST(:receipt_code AS varchar), CAST(:channel AS varchar), CAST(:enumerator AS varchar),
    CAST(:entered_by_id AS integer), CAST(:device_hash AS varchar), CAST(:client_hash AS varchar),
    CAST(:phone_hash AS varchar), CAST(:invitation_id AS integer), CAST(:answers_hash AS varchar), dup.v,
    CASE WHEN dup.v AND NOT CAST(:is_duplicate AS boolean) THEN CAST(:dup_flags AS json)
         ELSE CAST(:flags AS json) END,
    CAST(:submitted_at AS timestamptz), CAST(:group_option_id AS integer), CAST(:distance_option_id AS integer),
    CAST(:aware_option_id AS integer), CAST(:support_option_id AS integer)
  FROM s, dup
  RETURNING id),
a AS (
  INSERT INTO survey_answers (response_id, survey_id, question_id, option_id, row_id, value_text, value_number)
  SELECT r.id, CAST(:survey_id AS integer), u.q, u.o, u.rw, u.t, u.n
  FROM r, unnest(CAST(:qs AS integer[]), CAST(:os AS integer[]), CAST(:rws AS integer[]), CAST(:ts AS text[]),
                 CAST(:ns AS double precision[])) AS u(q, o, rw, t, n))
SELECT id FROM r
""")


def insert_pg(spec, data: dict, rows: list[dict]) -> int | None:
    params = dict(data, channel=data["channel"].value, flags=json.dumps(data["flags"]), dup_flags=_DUP_FLAGS,
                  version=spec.version, created_at=spec.created_at,
                  qs=[r["question_id"] for r in rows], os=[r["option_id"] for r in rows],
                  rws=[r["row_id"] for r in rows], ts=[r["value_text"] for r in rows],
                  ns=[r["value_number"] for r in rows])
    return db.session.execute(INSERT_PG, params).scalar()
