"""The text mock interview and its feedback on the fakes, with the real
offline coach: the transcript kept with the clock's timestamps and in order,
the duration, the interview's states (not started, running, ended), feedback
that quotes what the candidate said and is kept, NOT_COMPLETED before there
is anything to review (costing no token), a failing coach leaving everything
as it was, voice transcripts, and privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from adapters.fakes.coach import FailingCoach
from adapters.fakes.transcripts import FakeVoiceTranscripts
from core.domain import Bucket, Speaker, TranscriptEntry
from core.errors import ErrorCode, Failure
from core.pipeline import Streaming, Success
from core.text_interviews import ALREADY_ENDED, NOT_STARTED, elapsed
from tests.conftest import FORBIDDEN, NOT_COMPLETED, ai_failed, invalid, ok, rate_limited
from tests.unit.app_on_fakes import FakeApp

JOB = {
    "name": "Backend",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Senior Python engineer: PostgreSQL, Kubernetes, Kafka, REST APIs.",
}
ANSWERS = [
    "I led a team of four rebuilding our billing service in Python; we cut latency by 40 percent "
    "using PostgreSQL partial indexes.",
    "Um, I guess I would maybe use Kubernetes?",
    "I once disagreed with my lead about caching; I measured both options and we kept the simpler "
    "one. What does the team's on-call look like?",
]


def new_interview(app: FakeApp, actor, plan: str = "pro") -> str:
    app.set_plan(actor, plan)
    job_id = app.run("createJobInfo", actor, JOB).data.id
    created = app.run("createInterview", actor, {"jobInfoId": job_id})
    assert isinstance(created, Success), created
    return created.data.id


def refused(message: str) -> Failure:
    return invalid(interview_id=[message])


def interview_of(app: FakeApp, actor, interview_id: str):
    return ok(app.run("getInterview", actor, {"id": interview_id})).interview


def run_interview(app: FakeApp, actor, interview_id: str) -> None:
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    for answer in ANSWERS:
        app.clock.advance(30)
        ok(app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": answer}))
    app.clock.advance(65)
    ok(app.run("endInterview", actor, {"interviewId": interview_id}))


# --- the text interview -------------------------------------------------------------


def test_a_text_interview_keeps_its_transcript_with_timestamps_and_its_duration():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    t0 = app.clock.now()

    opening = ok(app.run("startInterview", actor, {"interviewId": interview_id})).message
    assert "Senior Python Engineer" in opening and "Tell me about yourself" in opening
    replies = []
    for answer in ANSWERS:
        app.clock.advance(30)
        reply = ok(app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": answer}))
        replies.append(reply.reply)
    app.clock.advance(65)
    assert ok(app.run("endInterview", actor, {"interviewId": interview_id})).duration == "00:02:35"

    interview = interview_of(app, actor, interview_id)
    assert interview.transcript == [
        TranscriptEntry(Speaker.INTERVIEWER, opening, t0),
        TranscriptEntry(Speaker.CANDIDATE, ANSWERS[0], t0 + timedelta(seconds=30)),
        TranscriptEntry(Speaker.INTERVIEWER, replies[0], t0 + timedelta(seconds=30)),
        TranscriptEntry(Speaker.CANDIDATE, ANSWERS[1], t0 + timedelta(seconds=60)),
        TranscriptEntry(Speaker.INTERVIEWER, replies[1], t0 + timedelta(seconds=60)),
        TranscriptEntry(Speaker.CANDIDATE, ANSWERS[2], t0 + timedelta(seconds=90)),
        TranscriptEntry(Speaker.INTERVIEWER, replies[2], t0 + timedelta(seconds=90)),
    ]
    assert (interview.started_at, interview.ended_at) == (t0, t0 + timedelta(seconds=155))
    assert interview.duration == "00:02:35"
    with app.storage.unit_of_work() as uow:
        assert [m.seq for m in uow.interview_messages.list_for_interview(interview_id)] == list(range(1, 8))


def test_the_interviewer_asks_new_questions_and_never_repeats_one():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    lines = [ok(app.run("startInterview", actor, {"interviewId": interview_id})).message]
    for answer in ANSWERS:
        lines.append(
            ok(app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": answer})).reply
        )
    assert len(set(lines)) == len(lines)
    assert all(line.strip() for line in lines)


def test_starting_again_answers_the_same_opening_and_costs_no_token():
    app = FakeApp(ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    actor = app.user()
    interview_id = new_interview(app, actor)
    first = ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    app.clock.advance(10)
    assert ok(app.run("startInterview", actor, {"interviewId": interview_id})) == first
    assert len(interview_of(app, actor, interview_id).transcript) == 1
    assert interview_of(app, actor, interview_id).started_at == app.clock.now() - timedelta(seconds=10)


def test_an_interview_takes_messages_only_while_it_runs():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    say = {"interviewId": interview_id, "text": "Hello"}
    assert app.run("sendInterviewMessage", actor, say) == refused(NOT_STARTED)
    assert app.run("endInterview", actor, {"interviewId": interview_id}) == refused(NOT_STARTED)
    run_interview(app, actor, interview_id)
    before = interview_of(app, actor, interview_id)
    app.clock.advance(600)
    assert app.run("sendInterviewMessage", actor, say) == refused(ALREADY_ENDED)
    assert app.run("startInterview", actor, {"interviewId": interview_id}) == refused(ALREADY_ENDED)
    assert ok(app.run("endInterview", actor, {"interviewId": interview_id})).duration == before.duration
    assert interview_of(app, actor, interview_id) == before


def test_messages_are_validated_before_anything_else():
    app = FakeApp(ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    actor = app.user()
    interview_id = new_interview(app, actor)
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))  # takes the token
    for text, message in [("", "Required"), ("   ", "Required"), ("x" * 5001, "Must be at most 5000 characters"),
                          (5, "Must be a string")]:
        result = app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": text})
        assert result == invalid(text=[message])
    assert ok(app.run("endInterview", actor, {"interviewId": interview_id}))
    assert len(interview_of(app, actor, interview_id).transcript) == 1


def test_5000_characters_are_accepted():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    ok(app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": "a " * 2500}))
    assert interview_of(app, actor, interview_id).transcript[1].text == "a " * 2500


def test_the_ai_bucket_limits_each_ai_action_per_user_and_a_refused_call_stores_nothing():
    app = FakeApp(ai_bucket=Bucket(capacity=2, refill=2, interval=3600))
    actor, other = app.user(), app.user()
    interview_id = new_interview(app, actor)
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    say = {"interviewId": interview_id, "text": ANSWERS[0]}
    ok(app.run("sendInterviewMessage", actor, say))
    ok(app.run("sendInterviewMessage", actor, say))
    limited = app.run("sendInterviewMessage", actor, say)
    assert limited == rate_limited(1800)
    assert len(interview_of(app, actor, interview_id).transcript) == 5
    # another user's bucket, and the same user's bucket for another action, are full
    ok(app.run("startInterview", other, {"interviewId": new_interview(app, other)}))
    ok(app.run("generateInterviewFeedback", actor, {"interviewId": interview_id}))
    app.clock.advance(1800)
    ok(app.run("sendInterviewMessage", actor, say))


def test_a_failing_coach_fails_the_turn_and_stores_nothing():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    broken = FakeApp(app.storage, app.cache, app.clock, app.ids, coach=FailingCoach())
    turn_failed = ai_failed("Failed to generate the interviewer's reply")
    assert broken.run("startInterview", actor, {"interviewId": interview_id}) == turn_failed
    assert interview_of(app, actor, interview_id).started_at is None
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    before = interview_of(app, actor, interview_id)
    say = {"interviewId": interview_id, "text": ANSWERS[0]}
    assert broken.run("sendInterviewMessage", actor, say) == turn_failed
    assert interview_of(app, actor, interview_id) == before


# --- feedback ---------------------------------------------------------------------------


def test_feedback_quotes_the_transcript_streams_and_is_kept_on_the_interview():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    run_interview(app, actor, interview_id)

    outcome = app.start("generateInterviewFeedback", actor, {"interviewId": interview_id})
    assert isinstance(outcome, Streaming)
    chunks = list(outcome.chunks)
    assert len(chunks) > 1
    feedback = ok(Success(outcome.finish("".join(chunks)))).feedback
    assert feedback.startswith("## Overall Rating: ")
    for category in ("Communication Clarity", "Confidence", "Response Quality", "Pacing and Timing",
                     "Engagement", "Role Fit", "Strengths and Areas to Improve"):
        assert f"## {category}: " in feedback
    assert "Um, I guess I would maybe use Kubernetes?" in feedback  # quoted as said
    assert "What does the team's on-call look like?" in feedback
    assert "Kafka" in feedback  # a skill of the job the candidate never mentioned
    assert interview_of(app, actor, interview_id).feedback == feedback


def test_feedback_is_not_completed_without_a_candidate_line_and_costs_no_token():
    app = FakeApp(ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    actor = app.user()
    interview_id = new_interview(app, actor)
    assert app.run("generateInterviewFeedback", actor, {"interviewId": interview_id}) == NOT_COMPLETED
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))  # the interviewer only
    for _ in range(3):
        assert app.run("generateInterviewFeedback", actor, {"interviewId": interview_id}) == NOT_COMPLETED
    ok(app.run("sendInterviewMessage", actor, {"interviewId": interview_id, "text": ANSWERS[0]}))
    assert ok(app.run("generateInterviewFeedback", actor, {"interviewId": interview_id})).feedback
    limited = app.run("generateInterviewFeedback", actor, {"interviewId": interview_id})
    assert isinstance(limited, Failure) and limited.code is ErrorCode.RATE_LIMIT


def test_a_failing_coach_gives_ai_failed_and_keeps_the_interview_as_it_was():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    run_interview(app, actor, interview_id)
    first = ok(app.run("generateInterviewFeedback", actor, {"interviewId": interview_id})).feedback
    before = interview_of(app, actor, interview_id)
    broken = FakeApp(app.storage, app.cache, app.clock, app.ids, coach=FailingCoach())
    app.clock.advance(60)

    result = broken.run("generateInterviewFeedback", actor, {"interviewId": interview_id})
    assert result == ai_failed("Failed to generate feedback")
    streamed = broken.start("generateInterviewFeedback", actor, {"interviewId": interview_id})
    assert isinstance(streamed, Streaming) and streamed.complete().code is ErrorCode.AI_FAILED
    after = interview_of(app, actor, interview_id)
    assert after == before and after.feedback == first


def test_feedback_on_a_voice_interview_reads_its_transcript_from_the_voice_service():
    t0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    chat = [
        TranscriptEntry(Speaker.INTERVIEWER, "Tell me about a project you are proud of.", t0),
        TranscriptEntry(Speaker.CANDIDATE, "I moved our Kafka consumers to Kubernetes and halved costs.",
                        t0 + timedelta(seconds=4)),
    ]
    voices = FakeVoiceTranscripts({"chat-1": chat, "silent": chat[:1]})
    app = FakeApp(transcripts=voices)
    actor = app.user()
    interview_id = new_interview(app, actor)
    silent_id = new_interview(app, actor)
    ok(app.run("updateInterview", actor, {"id": interview_id, "humeChatId": "chat-1"}))
    ok(app.run("updateInterview", actor, {"id": silent_id, "humeChatId": "silent"}))

    feedback = ok(app.run("generateInterviewFeedback", actor, {"interviewId": interview_id})).feedback
    assert "I moved our Kafka consumers to Kubernetes" in feedback
    assert app.run("generateInterviewFeedback", actor, {"interviewId": silent_id}) == NOT_COMPLETED
    assert voices.read == ["chat-1", "silent"]
    # without a voice service, a voice interview has nothing to review
    assert FakeApp(app.storage, app.cache, app.clock, app.ids).run(
        "generateInterviewFeedback", actor, {"interviewId": interview_id}
    ) == NOT_COMPLETED


# --- privacy ----------------------------------------------------------------------------


def test_someone_elses_interview_looks_like_a_missing_one():
    app = FakeApp(ai_bucket=Bucket(capacity=3, refill=3, interval=3600))
    owner, stranger = app.user("owner"), app.user("stranger")
    interview_id = new_interview(app, owner)
    run_interview(app, owner, interview_id)
    before = interview_of(app, owner, interview_id)
    for target in (interview_id, "00000000-0000-0000-0000-0000000000ff"):
        for name, payload in [
            ("startInterview", {"interviewId": target}),
            ("sendInterviewMessage", {"interviewId": target, "text": "Hello"}),
            ("endInterview", {"interviewId": target}),
            ("generateInterviewFeedback", {"interviewId": target}),
            ("getInterview", {"id": target}),
        ]:
            assert app.run(name, stranger, payload) == FORBIDDEN, name
    assert interview_of(app, owner, interview_id) == before
    # none of it cost the stranger a token: a whole interview of their own still fits the bucket
    own_id = new_interview(app, stranger)
    run_interview(app, stranger, own_id)
    ok(app.run("generateInterviewFeedback", stranger, {"interviewId": own_id}))


def test_deleting_the_job_info_deletes_the_transcript():
    app = FakeApp()
    actor = app.user()
    interview_id = new_interview(app, actor)
    run_interview(app, actor, interview_id)
    job_id = interview_of(app, actor, interview_id).job_info_id
    ok(app.run("deleteJobInfo", actor, {"id": job_id}))
    assert app.run("getInterview", actor, {"id": interview_id}) == FORBIDDEN
    assert app.storage.snapshot().interview_messages == {}


# --- durations ----------------------------------------------------------------------------


@given(seconds=st.integers(min_value=0, max_value=200 * 3600))
def test_a_duration_is_hours_minutes_seconds_and_fits_the_field(seconds: int):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    text = elapsed(start, start + timedelta(seconds=seconds, microseconds=999_999))
    hours, minutes, secs = (int(part) for part in text.split(":"))
    assert len(text) == 8 and minutes < 60 and secs < 60
    assert hours * 3600 + minutes * 60 + secs == min(seconds, 99 * 3600 + 59 * 60 + 59)
