"""The chat messages a remote AI coach is sent: one builder per Coach method.

Each builder returns OpenAI-style chat messages (``{"role", "content"}``)
carrying what the coach knows of the job: its description, experience level
and title. Text that comes from users (job descriptions, answers, resumes,
transcripts) is fenced in tags so the model treats it as material, not as
instructions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from core.domain import Difficulty, JobContext, Speaker, TranscriptEntry

Message = dict[str, str]

FEEDBACK_CATEGORIES = (
    "Communication Clarity",
    "Confidence and Emotional State",
    "Response Quality",
    "Pacing and Timing",
    "Engagement and Interaction",
    "Role Fit and Alignment",
    "Overall Strengths and Areas for Improvement",
)


def _job(job: JobContext) -> str:
    lines = [f"Experience level: {job.experience_level.value}"]
    if job.title:
        lines.append(f"Job title: {job.title}")
    lines.append(f"<job_description>\n{job.description}\n</job_description>")
    return "\n".join(lines)


def question_messages(
    job: JobContext, difficulty: Difficulty, previous: Sequence[str], topic: str | None = None
) -> list[Message]:
    """A new question (on ``topic`` when given); the questions already asked
    come first as the assistant's own earlier turns, so the model sees what
    not to repeat."""
    system = f"""You are an AI assistant that writes technical interview questions for a job seeker preparing for an interview.

The job:
{_job(job)}

Your task:
- Write one realistic technical question that tests the skills this job needs, at the requested difficulty.
- Tailor it to the experience level: a junior candidate gets fundamentals, a senior candidate system design, trade-offs and depth.
- Never repeat or lightly rephrase a question you have already asked in this conversation; cover a different topic or skill.
- It may be a conceptual question, a practical scenario or a small coding task, whatever suits the job.

Output rules:
- Start with one line naming the skill or topic the question tests, exactly like `**Topic:** PostgreSQL`, then a blank line.
- Then only the question, formatted as markdown (code blocks where code helps).
- Do not include the answer, hints, a title such as "Question:", or any other commentary."""
    messages: list[Message] = [{"role": "system", "content": system}]
    for asked in previous:
        messages.append({"role": "user", "content": "Ask me a question."})
        messages.append({"role": "assistant", "content": asked})
    messages.append(
        {
            "role": "user",
            "content": f"Ask me a new {difficulty.value} question, different from every question above."
            + (f" Make it about: {topic.strip()[:200]}." if topic and topic.strip() else ""),
        }
    )
    return messages


def answer_feedback_messages(job: JobContext, question: str, answer: str) -> list[Message]:
    """Grading of one answer: a rated critique, then a model answer."""
    system = f"""You are an expert technical interviewer grading a candidate's answer to an interview question.

The job:
{_job(job)}

Your task:
- Judge the answer for correctness, completeness and clarity, against what this job and experience level demand.
- Give a rating from 1 to 10, where 10 is an answer you would expect from a strong candidate at this level.
- Be specific: say what was right, what was missing or wrong, and how to improve.
- Then give a complete, correct answer to the question.

Output rules: markdown, exactly in this shape and nothing before it:

## Feedback (Rating: <n>/10)
<your feedback>

---

## Correct Answer
<the correct answer>

<n> is a whole number from 1 to 10. Speak to the candidate directly ("you")."""
    user = (
        f"<question>\n{question}\n</question>\n\n"
        f"<candidate_answer>\n{answer}\n</candidate_answer>"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _turn(entry: TranscriptEntry) -> dict[str, object]:
    turn: dict[str, object] = {
        "speaker": entry.speaker.value, "text": entry.text, "at": entry.at.isoformat()
    }
    if entry.speech is not None:
        speech = entry.speech
        turn["speech"] = {
            "recordingSeconds": speech.audio_seconds,
            "speakingSeconds": speech.speaking_seconds,
            "secondsBeforeFirstWord": speech.response_delay_seconds,
            "wordsPerMinute": speech.words_per_minute,
            "longPausesSeconds": speech.long_pauses,
            "fillerWords": {filler.word: filler.count for filler in speech.fillers},
        }
    return turn


def _transcript_json(transcript: Sequence[TranscriptEntry]) -> str:
    return json.dumps([_turn(entry) for entry in transcript], ensure_ascii=False, indent=1)


def interview_feedback_messages(
    job: JobContext, transcript: Sequence[TranscriptEntry]
) -> list[Message]:
    """A review of a whole mock interview, quoting the transcript."""
    categories = "\n".join(
        f"{n}. **{name}** (Rating: x/10)" for n, name in enumerate(FEEDBACK_CATEGORIES, start=1)
    )
    system = f"""You are an expert interview coach reviewing the transcript of a mock job interview.

The job:
{_job(job)}

The transcript is a JSON list of turns; "speaker" is "interviewer" or "candidate", "at" is when the turn was spoken (use the gaps to judge pacing).
A spoken answer also has "speech", measured on its recording: "wordsPerMinute" over the time a voice was heard (about 120-160 is easy to follow), "longPausesSeconds" (silences of two seconds or more), "secondsBeforeFirstWord", and the "fillerWords" said (um, uh, you know, ...). Use them for pacing and timing (quote the words per minute) and for confidence.

Your task: write a detailed review of the candidate's performance, for the candidate to read.
- Start with an overall rating, as the heading: `# Overall Rating: x/10`.
- Then one section per category below, each a `##` heading with its own rating out of 10:
{categories}
- In each section, explain the rating and quote the candidate's own words from the transcript as evidence.
- Judge role fit against the job description and the experience level.
- End with concrete next steps.

Output rules: markdown only, ratings as whole numbers, speak to the candidate directly ("you"). Review only the candidate, never the interviewer."""
    user = f"<transcript>\n{_transcript_json(transcript)}\n</transcript>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def resume_messages(job: JobContext, resume_text: str) -> list[Message]:
    """A structured resume analysis; the answer's shape is fixed by the
    JSON schema sent alongside these messages."""
    system = f"""You are an expert resume reviewer and recruiter. Analyse the candidate's resume for the job below.

The job:
{_job(job)}

Score each category from 0 to 10 (whole numbers) and give a short summary and a list of feedback items:
- ats: how well automated applicant tracking systems can parse it (layout, headings, file-friendly formatting).
- jobMatch: how well the experience and skills match this job and its experience level.
- writingAndFormatting: clarity, concision, grammar, structure and consistency.
- keywordCoverage: whether the keywords and technologies of the job description appear.
- other: anything else worth saying (contact details, length, gaps, links).
- overallScore: your overall judgement, 0 to 10.

Each feedback item has a type ("strength", "minor-improvement" or "major-improvement"), a short name and a message that says exactly what to keep or change. Speak to the candidate directly ("you").

Answer only with JSON that matches the given schema."""
    user = f"<resume>\n{resume_text}\n</resume>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


_ROLE = {Speaker.INTERVIEWER: "assistant", Speaker.CANDIDATE: "user"}


def interviewer_messages(job: JobContext, transcript: Sequence[TranscriptEntry]) -> list[Message]:
    """The mock interviewer's next line: the conversation so far, with the
    interviewer as the assistant and the candidate as the user."""
    system = f"""You are a professional job interviewer conducting a mock interview with a candidate.

The job:
{_job(job)}

How to interview:
- Greet the candidate briefly at the start, then ask one question at a time.
- Mix questions about experience, behaviour and the technical skills this job needs, pitched at the experience level.
- Follow up on vague or interesting answers before moving on.
- Keep each turn short and spoken-style (plain text, no markdown), as it may be read aloud.
- Do not grade or coach the candidate during the interview."""
    messages: list[Message] = [{"role": "system", "content": system}]
    if not transcript:
        messages.append({"role": "user", "content": "Hello, I'm ready to start the interview."})
    for entry in transcript:
        messages.append({"role": _ROLE[entry.speaker], "content": entry.text})
    return messages
