"""getProgress on the fakes with the real offline coach: a new user sees
nothing; answers are summed by day, topic and difficulty and the weakest
topics come first; interview ratings are read from the feedback both
coaches write; resume scores are listed per analysis; the interviews and
analyses listed are the newest ``RECENT_SHOWN``, oldest first, while every
one is counted, after any adds and job-info deletes, and the page says
which; nobody sees anyone else's practice; and every answer counts, however
long the history (the totals' own properties: ``test_practice_totals``). A
generated question keeps its topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline.bank import load_bank
from core.domain import (
    Answer,
    CategoryAnalysis,
    Difficulty,
    Interview,
    Question,
    ResumeAnalysis,
    StoredResumeAnalysis,
)
from core.pipeline import Success
from core.progress import DAYS_SHOWN, RECENT_SHOWN, interview_ratings
from core.questions import question_topic
from tests.conftest import saved
from tests.unit.app_on_fakes import FakeApp
from tests.unit.web_on_fakes import web_app_on_fakes

JOB = {"name": "Backend at Acme", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Python services on PostgreSQL with Redis caching, Docker and REST APIs."}
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def progress(app: FakeApp, actor):
    result = app.run("getProgress", actor, {})
    assert isinstance(result, Success), result
    return result.data


def new_job(app: FakeApp, actor) -> str:
    result = app.run("createJobInfo", actor, JOB)
    assert isinstance(result, Success), result
    return result.data.id


def question(app: FakeApp, job_id: str, topic: str | None, difficulty: Difficulty = Difficulty.MEDIUM) -> Question:
    return Question(app.ids.new(), job_id, f"About {topic}?", difficulty, T0, T0, topic=topic)


def rated(app: FakeApp, q: Question, rating: int, at: datetime = T0) -> Answer:
    return Answer(app.ids.new(), q.id, "my answer", f"## Feedback (Rating: {rating}/10)", rating, at)


def analysis(overall: int) -> ResumeAnalysis:
    def category(score: int) -> CategoryAnalysis:
        return CategoryAnalysis(score, "fine", [])

    return ResumeAnalysis(overall, category(4), category(5), category(6), category(7), category(8))


# --- the use case ----------------------------------------------------------------


def test_a_new_user_has_nothing_to_show():
    app = FakeApp()
    shown = progress(app, app.user())
    assert (shown.answers, shown.average) == (0, None)
    assert (shown.by_day, shown.by_topic, shown.by_difficulty, shown.weakest_topics) == ([], [], [], [])
    assert (shown.interviews, shown.interview_categories, shown.resumes) == ([], [], [])
    assert (shown.interviews_rated, shown.resumes_analysed) == (0, 0)


def test_answers_are_summed_by_day_topic_and_difficulty_and_the_weakest_come_first():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    sql, docker, redis = (question(app, job_id, t) for t in ("PostgreSQL", "Docker", "Redis"))
    hard = question(app, job_id, None, Difficulty.HARD)
    saved(app.storage, sql, docker, redis, hard)
    saved(app.storage, rated(app, sql, 2), rated(app, sql, 4, T0 + timedelta(days=1)), rated(app, docker, 9),
          rated(app, redis, 5), rated(app, redis, 6, T0 + timedelta(days=1)), rated(app, hard, 1))

    shown = progress(app, actor)

    assert (shown.answers, shown.average) == (6, 4.5)
    assert [(d.day, d.average, d.answers) for d in shown.by_day] == [("2026-03-01", 4.2, 4), ("2026-03-02", 5.0, 2)]
    assert [(t.topic, t.average, t.answers) for t in shown.by_topic] == [
        ("PostgreSQL", 3.0, 2), ("Redis", 5.5, 2), ("Docker", 9.0, 1)]
    assert [(d.difficulty, d.average, d.answers) for d in shown.by_difficulty] == [
        (Difficulty.MEDIUM, 5.2, 5), (Difficulty.HARD, 1.0, 1)]
    assert [(t.topic, t.job_info_id) for t in shown.weakest_topics] == [("PostgreSQL", job_id), ("Redis", job_id)]


def test_interviews_and_resumes_are_shown_oldest_first():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    feedback = "## Overall Rating: 6/10\n\ntext\n\n## Communication Clarity: 8/10\n\n## Role Fit: 4/10\n"
    later = "# Overall Rating: 8/10\n\n## 1. **Communication Clarity** (Rating: 9/10)\n"
    saved(app.storage,
          Interview(app.ids.new(), job_id, "00:10:00", None, later, T0 + timedelta(days=2), T0),
          Interview(app.ids.new(), job_id, "00:10:00", None, feedback, T0, T0),
          Interview(app.ids.new(), job_id, "00:00:00", None, None, T0, T0),  # no feedback: not shown
          StoredResumeAnalysis(app.ids.new(), job_id, analysis(7), T0 + timedelta(days=1)),
          StoredResumeAnalysis(app.ids.new(), job_id, analysis(5), T0))

    shown = progress(app, actor)

    assert [i.overall for i in shown.interviews] == [6, 8]
    assert [(c.category, c.average, c.interviews) for c in shown.interview_categories] == [
        ("Communication Clarity", 8.5, 2), ("Role Fit", 4.0, 1)]
    assert [(r.overall, r.ats, r.other, r.job_name) for r in shown.resumes] == [
        (5, 4, 8, JOB["name"]), (7, 4, 8, JOB["name"])]


history = st.lists(st.tuples(
    # mostly adds, so that there are often more than RECENT_SHOWN of each
    st.sampled_from(["interview"] * 3 + ["analysis"] * 3 + ["interview without feedback", "delete job"]),
    st.integers(0, 2),  # the job
    st.integers(0, 30),  # minutes after T0 (some at the same time) and the rating
), min_size=RECENT_SHOWN, max_size=80)


@settings(deadline=None, max_examples=100)
@given(history)
def test_the_newest_interviews_and_analyses_are_listed_oldest_first_and_all_are_counted(steps):
    app = FakeApp()
    actor = app.user()
    jobs = [new_job(app, actor) for _ in range(3)]
    interviews: dict[str, tuple[datetime, str, int]] = {}  # the ones with feedback: (at, job, overall)
    analyses: dict[str, tuple[datetime, str, int]] = {}
    for what, job, minutes in steps:
        at, job_id, rating = T0 + timedelta(minutes=minutes), jobs[job], minutes % 11
        if what == "delete job":
            with app.storage.unit_of_work(write=True) as uow:
                uow.job_infos.delete(job_id)
                uow.commit()
            for kept in (interviews, analyses):
                for gone in [k for k, (_, j, _) in kept.items() if j == job_id]:
                    del kept[gone]
            jobs[job] = new_job(app, actor)
        elif what == "analysis":
            analyses[record_id := app.ids.new()] = (at, job_id, rating)
            saved(app.storage, StoredResumeAnalysis(record_id, job_id, analysis(rating), at))
        else:
            feedback = f"## Overall Rating: {rating}/10" if what == "interview" else None
            saved(app.storage, Interview(record_id := app.ids.new(), job_id, "00:10:00", None, feedback, at, at))
            if feedback:
                interviews[record_id] = (at, job_id, rating)

    shown = progress(app, actor)

    def newest(kept: dict[str, tuple[datetime, str, int]]) -> list[tuple[datetime, str, str, int]]:
        return sorted((at, record_id, job, rating) for record_id, (at, job, rating) in kept.items())[-RECENT_SHOWN:]

    assert [(i.created_at, i.interview_id, i.job_info_id, i.overall) for i in shown.interviews] == newest(interviews)
    assert [(r.created_at, r.analysis_id, r.job_info_id, r.overall) for r in shown.resumes] == newest(analyses)
    assert (shown.interviews_rated, shown.resumes_analysed) == (len(interviews), len(analyses))


def test_the_page_says_how_many_there_are_and_which_it_shows(tmp_path: Path):
    with web_app_on_fakes(tmp_path / "instance") as web:
        client = web.test_client()
        signed_up = client.post("/auth/sign-up", json={"email": "ada@example.com", "password": "pw-long-enough",
                                                       "name": "Ada"}).json
        bearer = {"Authorization": f"Bearer {signed_up['token']}"}
        job_id = client.post("/actions/createJobInfo", json=JOB, headers=bearer).json["id"]
        storage = web.container.storage()
        saved(storage, *(StoredResumeAnalysis(f"r{n}", job_id, analysis(n % 11), T0 + timedelta(hours=n))
                         for n in range(RECENT_SHOWN + 2)),
              *(Interview(f"i{n}", job_id, "00:10:00", None, "## Overall Rating: 6/10", T0, T0)
                for n in range(RECENT_SHOWN + 1)))
        html = client.get("/app/progress").text
        got = client.post("/actions/getProgress", json={}, headers=bearer).json

    assert (got["resumesAnalysed"], got["interviewsRated"], len(got["resumes"]), len(got["interviews"])) == (
        RECENT_SHOWN + 2, RECENT_SHOWN + 1, RECENT_SHOWN, RECENT_SHOWN)
    assert f'<span class="stat__label">Resume analyses</span>\n    <span class="stat__value">{RECENT_SHOWN + 2}<' in html
    assert f"Your newest {RECENT_SHOWN} of {RECENT_SHOWN + 2} analyses, oldest first" in html
    assert "2 older analyses are on their job's resume page, from <a href=\"/app\">your job infos</a>" in html
    assert f"(your newest {RECENT_SHOWN})" in html
    assert "1 older interview is on its job's interviews page" in html


def test_nobody_sees_anyone_elses_practice():
    app = FakeApp()
    ada, bob = app.user("ada"), app.user("bob")
    job_id = new_job(app, ada)
    q = question(app, job_id, "Docker")
    saved(app.storage, q, rated(app, q, 3), StoredResumeAnalysis(app.ids.new(), job_id, analysis(5), T0))
    assert progress(app, ada).answers == 1
    shown = progress(app, bob)
    assert (shown.answers, shown.by_topic, shown.resumes) == (0, [], [])
    assert app.run("getProgress", None, {}).code.value == "UNAUTHENTICATED"


def test_every_answer_counts_however_long_the_history_and_the_days_shown_are_the_newest():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    old, new = question(app, job_id, "Old topic"), question(app, job_id, "New topic")
    saved(app.storage, old, new)
    saved(app.storage, *(rated(app, old, 1, T0 + timedelta(days=n)) for n in range(DAYS_SHOWN)))
    saved(app.storage, *(rated(app, new, 7, T0 + timedelta(days=DAYS_SHOWN, minutes=n)) for n in range(600)))
    shown = progress(app, actor)
    assert (shown.answers, shown.average) == (DAYS_SHOWN + 600, round((DAYS_SHOWN + 4200) / (DAYS_SHOWN + 600), 1))
    assert [(t.topic, t.answers) for t in shown.by_topic] == [("New topic", 600), ("Old topic", DAYS_SHOWN)]
    assert len(shown.by_day) == DAYS_SHOWN and shown.by_day[0].day == (T0 + timedelta(days=1)).date().isoformat()
    assert shown.by_day[-1].answers == 600


def test_a_generated_question_keeps_the_topic_it_is_about():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    for topic in ["docker", "Redis", None]:
        payload = {"jobInfoId": job_id, "difficulty": "medium", **({"topic": topic} if topic else {})}
        result = app.run("generateQuestion", actor, payload)
        assert isinstance(result, Success), result
        with app.storage.unit_of_work() as uow:
            stored = uow.questions.get(result.data.question_id)
        skills = load_bank().find(stored.text).skills
        assert stored.topic == (next(s for s in skills if s.casefold() == topic.casefold()) if topic else skills[0])


# --- reading the coach's markdown ---------------------------------------------------


def test_the_topic_of_a_question_comes_from_its_first_line_or_what_was_asked():
    shown = "**Topics:** Python · PostgreSQL · **Difficulty:** Medium\n\n### How do indexes work?"
    assert question_topic(shown, None) == "Python"
    assert question_topic(shown, "postgresql") == "PostgreSQL"
    assert question_topic(shown, "Knitting") == "Python"  # the coach fell back to another topic
    assert question_topic("**Topic:** Docker\n\nWhat is a layer?", None) == "Docker"
    assert question_topic("What is a layer?", " Docker ") == "Docker"
    assert question_topic("What is a layer?", None) is None
    assert question_topic("Text first.\n**Topic:** Docker", None) is None


def test_interview_ratings_are_read_from_either_coachs_headings():
    offline = "## Overall Rating: 5/10\n\n## Pacing and Timing: 7/10\n\n- note: 3/10 is not a heading\n"
    remote = "# Overall Rating: 6/10\n## 2. **Confidence and Emotional State** (Rating: 8/10)\n### Role Fit: 11/10\n"
    assert interview_ratings(offline) == (5, {"Pacing and Timing": 7})
    assert interview_ratings(remote) == (6, {"Confidence and Emotional State": 8})
    assert interview_ratings("No ratings here.") == (None, {})
