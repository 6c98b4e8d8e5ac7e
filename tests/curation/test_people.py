"""Distinct people behind a point: a masked name ("王*") is not a person, a staff pseudonym is."""
from consult.analysis.models import RiskPoint, Voice, VoiceSource, person_key
from consult.analysis.overview import point_row
from consult.extensions import db
from tests import factories as f


def _voice(w, point, i, source, author):
    db.session.add(Voice(matter_id=w["matter"].id, source=source, source_ref=f"x:{i}", text=f"意见{i}",
                         text_hash=str(i), author=author, point_id=point.id))


def test_people_counts_masked_names_as_separate_people_and_pseudonyms_once():
    w = f.world()
    point = RiskPoint(matter_id=w["matter"].id, title="臭味")
    db.session.add(point)
    db.session.flush()
    for i in range(3):  # three different residents whose names all mask to 王*
        _voice(w, point, i, VoiceSource.COMMENT, "王*")
    _voice(w, point, 3, VoiceSource.SURVEY, "")
    for i in (4, 5):  # two letters from one correspondent, under one pseudonym
        _voice(w, point, i, VoiceSource.LETTER, "来信人A")
    db.session.commit()
    row = point_row(point, None)
    assert (row.size, row.people) == (6, 5)
    assert person_key(VoiceSource.COMMENT, "王*", 1) != person_key(VoiceSource.COMMENT, "王*", 2)
    assert person_key(VoiceSource.LETTER, "来信人A", 1) == person_key(VoiceSource.LETTER, "来信人A", 2)
