"""The storage contract for mock-interview transcripts, on the in-memory
fake, SQLite and PostgreSQL alike: lines come back in sequence order with
their speaker, text and timestamp; a sequence number is taken once per
interview; deleting the job info deletes them; and concurrent messages to
one interview all land, in one gapless sequence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from adapters.cache.memory import NoCache
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.system import SystemClock
from core.domain import Actor, Interview, InterviewMessage, Speaker, TranscriptEntry
from core.pipeline import Context, Success
from core.ports import Storage
from core.speech import Filler, SpeechMetrics
from entrypoints.bootstrap import bootstrap
from tests.concurrently import at_once
from tests.conftest import T0, a_user_with_a_job_info, new_id, saved
from tests.unit.app_on_fakes import fake_settings


def an_interview(storage: Storage) -> Interview:
    _, job_info = a_user_with_a_job_info(storage)
    interview = Interview(new_id(), job_info.id, "00:00:00", None, None, T0, T0, started_at=T0)
    saved(storage, interview)
    return interview


def line(interview: Interview, seq: int, speaker: Speaker, text: str) -> InterviewMessage:
    return InterviewMessage(new_id(), interview.id, seq, speaker, text, T0 + timedelta(seconds=seq * 7))


def listed(storage: Storage, interview_id: str) -> list[InterviewMessage]:
    with storage.unit_of_work() as uow:
        return uow.interview_messages.list_for_interview(interview_id)


def test_lines_come_back_in_sequence_order_whatever_the_insertion_order(storage: Storage):
    interview = an_interview(storage)
    other = an_interview(storage)
    first = line(interview, 1, Speaker.INTERVIEWER, "Tell me about yourself.")
    second = line(interview, 2, Speaker.CANDIDATE, "I build APIs in Python — naïve ünïcode too.")
    third = line(interview, 3, Speaker.INTERVIEWER, "Why PostgreSQL?")
    saved(storage, third, first)
    saved(storage, second, line(other, 1, Speaker.INTERVIEWER, "Hello"))

    assert listed(storage, interview.id) == [first, second, third]
    assert [m.entry for m in listed(storage, interview.id)][1] == TranscriptEntry(
        Speaker.CANDIDATE, "I build APIs in Python — naïve ünïcode too.", T0 + timedelta(seconds=14)
    )
    assert listed(storage, new_id()) == []


def test_a_spoken_answer_keeps_its_speech_metrics_and_recording_name(storage: Storage):
    interview = an_interview(storage)
    metrics = SpeechMetrics(
        audio_seconds=42.5, speaking_seconds=35.25, response_delay_seconds=1.5, words=88,
        words_per_minute=149.8, long_pauses=[2.5, 3.75], filler_words=3,
        fillers=[Filler("um", 2), Filler("you know", 1)],
    )
    spoken = evolve(line(interview, 1, Speaker.CANDIDATE, "I built it."), speech=metrics,
                    audio="0b7c4f0e9d3a4f7e8c1b2a3d4e5f6a7b.webm")
    silent = evolve(line(interview, 2, Speaker.CANDIDATE, "Nothing measured."), speech=None)
    saved(storage, spoken, silent)

    assert listed(storage, interview.id) == [spoken, silent]
    assert listed(storage, interview.id)[0].entry.speech == metrics


def test_a_sequence_number_is_taken_once_per_interview(storage: Storage):
    interview = an_interview(storage)
    saved(storage, line(interview, 1, Speaker.INTERVIEWER, "Hello"))
    with pytest.raises(Exception):  # noqa: B017 - an IntegrityError in SQL, ValueError in memory
        saved(storage, line(interview, 1, Speaker.CANDIDATE, "Hi"))
    assert [m.text for m in listed(storage, interview.id)] == ["Hello"]


def test_lines_are_written_only_on_commit(storage: Storage):
    interview = an_interview(storage)
    with storage.unit_of_work(write=True) as uow:
        uow.interview_messages.add(line(interview, 1, Speaker.INTERVIEWER, "Hello"))
    assert listed(storage, interview.id) == []


def test_deleting_the_job_info_deletes_the_transcript(storage: Storage):
    interview = an_interview(storage)
    saved(storage, line(interview, 1, Speaker.INTERVIEWER, "Hello"), line(interview, 2, Speaker.CANDIDATE, "Hi"))
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(interview.job_info_id)
        uow.commit()
    assert listed(storage, interview.id) == []


def test_concurrent_messages_to_one_interview_each_get_their_own_lines(storage: Storage):
    """sendInterviewMessage on real databases: every concurrent call stores
    its line and the reply after whatever is there, none is lost, and the
    sequence has no gap."""
    settings = fake_settings(AI_RATE_LIMIT="off")
    actions = bootstrap(
        settings, storage=storage, cache=NoCache(), rate_limiter=MemoryRateLimiter(SystemClock())
    ).actions()
    interview = an_interview(storage)
    with storage.unit_of_work(write=True) as uow:
        uow.interviews.update(evolve(interview, started_at=None))
        uow.commit()
    with storage.unit_of_work() as uow:
        owner = Actor(uow.job_infos.get(interview.job_info_id).user_id)
    assert isinstance(actions.run("startInterview", Context(owner), {"interviewId": interview.id}), Success)
    calls = 8

    def say(index: int) -> object:
        return actions.run("sendInterviewMessage", Context(owner), {"interviewId": interview.id, "text": f"Answer {index}"})

    results = at_once([lambda index=index: say(index) for index in range(calls)])
    assert all(isinstance(r, Success) for r in results), results
    lines = listed(storage, interview.id)
    assert [m.seq for m in lines] == list(range(1, 2 + 2 * calls))
    candidate = [m.text for m in lines if m.speaker is Speaker.CANDIDATE]
    assert sorted(candidate) == sorted(f"Answer {i}" for i in range(calls))
    assert all(a.speaker is Speaker.CANDIDATE and b.speaker is Speaker.INTERVIEWER
               for a, b in zip(lines[1::2], lines[2::2], strict=True))
