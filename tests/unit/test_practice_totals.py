"""The fake's practice totals equal what the records make of them
(``core.progress.tally_*``) after any sequence of answers rated, interview
feedback stored or replaced, job infos and users deleted; and the sums stay
within the ratings they sum."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fakes import FakeStorage
from core.domain import Difficulty, RatedAnswer, RatingTotal
from core.progress import GOOD_RATING, WEAKEST, by_day, by_difficulty, by_topic, tally_answers, weakest
from tests.conftest import T0
from tests.practice_totals import history, recomputed, replay, stored


@settings(deadline=None, max_examples=150)
@given(history)
def test_the_totals_equal_a_recomputation_after_any_writes_and_deletes(steps):
    storage = FakeStorage()
    for user_id in replay(storage, steps):
        assert stored(storage, user_id) == recomputed(storage, user_id)


def test_a_job_infos_deletion_gives_its_topics_the_job_practised_on_before():
    storage = FakeStorage()
    # question 0 (SQL) is on job 0 and question 1 ("sql ") on job 1, both user 0's
    users = replay(storage, [("answer", 0, 4), ("answer", 1, 6), ("answer", 0, 8), ("delete job", 0, 0)])
    assert stored(storage, users[0])["topics"] == {"sql": ("sql", 1, 6, "j1", T0 + timedelta(hours=14))}


answers = st.lists(
    st.builds(
        RatedAnswer,
        rating=st.integers(1, 10),
        created_at=st.integers(0, 60 * 24 * 40).map(lambda m: T0 + timedelta(minutes=m)),
        difficulty=st.sampled_from(Difficulty),
        topic=st.one_of(st.none(), st.sampled_from(["Python", "python", "Docker", "SQL", " "])),
        job_info_id=st.sampled_from(["job-1", "job-2"]),
    ),
    max_size=60,
)


@settings(deadline=None, max_examples=60)
@given(answers)
def test_every_sum_counts_each_answer_once_and_stays_within_the_ratings(rated_answers: list[RatedAnswer]):
    days, difficulties, tallied = tally_answers(rated_answers)
    topics = by_topic(tallied.values())
    assert sum(t.answers for t in topics) == sum(1 for a in rated_answers if a.topic and a.topic.strip())
    assert len({t.topic.casefold() for t in topics}) == len(topics)
    per_difficulty = by_difficulty(RatingTotal(k, n, s) for k, (n, s) in difficulties.items())
    assert sum(d.answers for d in per_difficulty) == len(rated_answers)
    shown = by_day(RatingTotal(k, n, s) for k, (n, s) in days.items())
    assert [d.day for d in shown] == sorted(d.day for d in shown) and len(shown) <= 30
    for summed in [*topics, *per_difficulty, *shown]:
        assert 1 <= summed.average <= 10
    weak = weakest(topics)
    assert len(weak) <= WEAKEST and all(t.average < GOOD_RATING for t in weak)
    assert [t.average for t in weak] == sorted(t.average for t in weak)
    assert all(t.average >= weak[-1].average for t in topics if t not in weak and t.average < GOOD_RATING)
