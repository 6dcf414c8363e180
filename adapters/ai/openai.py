"""The AI coach backed by any OpenAI-compatible chat-completions API.

Works with OpenAI, Ollama, Gemini's OpenAI endpoint and the like, over httpx.
Text is streamed from server-sent events; the resume analysis uses JSON-schema
structured output and is validated strictly before it reaches the core.
Every failure becomes ``core.errors.AiFailed``. ``base_url`` is where
``/chat/completions`` is (``adapters.ai.http.api_url``), e.g.
``https://generativelanguage.googleapis.com/v1beta/openai``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

import attrs
import cattrs
import httpx
from cattrs.gen import make_dict_structure_fn, override

from adapters.ai import prompts
from adapters.ai.http import ApiClient, Retries, api_url, bearer_headers, send
from core.domain import (
    CategoryAnalysis,
    Difficulty,
    FeedbackItem,
    FeedbackType,
    JobContext,
    ResumeAnalysis,
    TranscriptEntry,
)
from core.errors import AiFailed

log = logging.getLogger(__name__)

QUESTION_FAILED = "Failed to generate question"
FEEDBACK_FAILED = "Failed to generate feedback"
ANALYSIS_FAILED = "Failed to generate analysis"
TURN_FAILED = "Failed to generate the interviewer's reply"


class OpenAiCoach(ApiClient):
    """``core.ports.Coach`` over an OpenAI-compatible API.

    Requests are retried as ``adapters.ai.http.Retries`` says. Once a
    response has been accepted nothing is retried, so a stream that breaks
    after yielding text fails instead of repeating itself.
    """

    name = "openai"
    """Which coach answers, for pages that say so."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout: float = 60.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            timeout=httpx.Timeout(timeout),
            retries=Retries(max_retries, backoff, sleep),
            headers=bearer_headers("application/json, text/event-stream", api_key),
            http=http,
        )
        self._url = api_url(base_url, "/chat/completions")
        self._model = model

    # --- the Coach port -----------------------------------------------------

    def question(
        self, job: JobContext, difficulty: Difficulty, previous: Sequence[str], topic: str | None = None
    ) -> Iterator[str]:
        return self._stream(prompts.question_messages(job, difficulty, previous, topic), QUESTION_FAILED)

    def question_key(self, text: str) -> str | None:
        return None  # every question is new text: no fixed set to name

    def answer_feedback(self, job: JobContext, question: str, answer: str) -> Iterator[str]:
        return self._stream(
            prompts.answer_feedback_messages(job, question, answer), FEEDBACK_FAILED
        )

    def interview_feedback(
        self, job: JobContext, transcript: Sequence[TranscriptEntry]
    ) -> Iterator[str]:
        return self._stream(
            prompts.interview_feedback_messages(job, transcript), FEEDBACK_FAILED
        )

    def interviewer_turn(self, job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
        content = self._complete(prompts.interviewer_messages(job, transcript), None, TURN_FAILED)
        if not content.strip():
            _failed(TURN_FAILED, "empty reply")
        return content.strip()

    def analyze_resume(self, job: JobContext, resume_text: str) -> ResumeAnalysis:
        content = self._complete(
            prompts.resume_messages(job, resume_text), RESUME_RESPONSE_FORMAT, ANALYSIS_FAILED
        )
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            _failed(ANALYSIS_FAILED, f"analysis is not JSON: {exc}", exc)
        return structure_analysis(data)

    # --- transport ----------------------------------------------------------

    def _body(self, messages: list[prompts.Message], **extra: Any) -> dict[str, Any]:
        return {"model": self._model, "messages": messages, **extra}

    def _send(self, body: dict[str, Any], message: str, *, stream: bool) -> httpx.Response:
        """Post until a 200 arrives, retrying what is worth retrying."""
        request = self._http.build_request(
            "POST", self._url, json=body, headers=self._headers, timeout=self._timeout
        )
        return send(
            self._http, request, self._retries, lambda reason: _failed(message, reason),
            stream=stream,
        )

    def _complete(
        self, messages: list[prompts.Message], response_format: dict[str, Any] | None, message: str
    ) -> str:
        body = self._body(messages)
        if response_format is not None:
            body["response_format"] = response_format
        response = self._send(body, message, stream=False)
        try:
            choice = response.json()["choices"][0]
            content = choice["message"]["content"]
            reason = choice.get("finish_reason")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            _failed(message, f"unusable completion: {exc!r}", exc)
        if not isinstance(content, str):
            _failed(message, f"no text in completion: {choice['message']!r:.300}")
        if reason not in (None, "stop"):
            _failed(message, f"completion ended early: {reason}")
        return content

    def _stream(self, messages: list[prompts.Message], message: str) -> Iterator[str]:
        """Yield content deltas as they arrive. The request is made when
        iteration starts; it raises AiFailed unless the stream is complete."""
        response = self._send(self._body(messages, stream=True), message, stream=True)
        try:
            yield from _deltas(response, message)
        except httpx.HTTPError as exc:
            _failed(message, f"stream broken: {type(exc).__name__}: {exc}", exc)
        finally:
            response.close()


def _failed(message: str, reason: str, cause: BaseException | None = None) -> NoReturn:
    log.warning("AI provider failed (%s): %s", message, reason)
    raise AiFailed(message) from cause


def _deltas(response: httpx.Response, message: str) -> Iterator[str]:
    """The content of an SSE chat-completions stream, checked to be whole:
    it must end with ``[DONE]`` or a ``stop`` finish reason."""
    finished = False
    for line in response.iter_lines():
        if not line.startswith("data:"):
            continue  # blank separators, ": keep-alive" comments, event names
        data = line[len("data:") :].strip()
        if data == "[DONE]":
            return
        for content, reason in _event_choices(data, message):
            if content:
                yield content
            if reason == "stop":
                finished = True
            elif reason is not None:
                _failed(message, f"stream ended early: {reason}")
    if not finished:
        _failed(message, "stream cut off before it finished")


def _event_choices(data: str, message: str) -> list[tuple[str, str | None]]:
    """Each choice's (content delta, finish reason) in one stream event."""
    try:
        choices = json.loads(data)["choices"]
        if not isinstance(choices, list):
            raise TypeError("choices is not a list")
        found = []
        for choice in choices:
            content = (choice.get("delta") or {}).get("content")
            found.append((content if isinstance(content, str) else "", choice.get("finish_reason")))
        return found
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        _failed(message, f"malformed stream event {data[:200]!r}", exc)


# --- the resume analysis: wire schema and strict validation -------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_SCORE_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 10}
_CATEGORY_SCHEMA = _object(
    {
        "score": _SCORE_SCHEMA,
        "summary": {"type": "string"},
        "feedback": {
            "type": "array",
            "maxItems": 50,
            "items": _object(
                {
                    "type": {"type": "string", "enum": [t.value for t in FeedbackType]},
                    "name": {"type": "string"},
                    "message": {"type": "string"},
                }
            ),
        },
    }
)
RESUME_SCHEMA: dict[str, Any] = _object(
    {
        _camel(a.name): _SCORE_SCHEMA if a.name == "overall_score" else _CATEGORY_SCHEMA
        for a in attrs.fields(ResumeAnalysis)
    }
)
RESUME_RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "resume_analysis", "strict": True, "schema": RESUME_SCHEMA},
}


def _strict_converter() -> cattrs.Converter:
    """Structures wire JSON into the analysis without coercing anything:
    camelCase keys, unknown keys refused, ``"7"`` is not 7, ``true`` is not 1."""
    converter = cattrs.Converter(forbid_extra_keys=True)

    def exact(kind: type) -> Callable[[Any, type], Any]:
        def structure(value: Any, _: type) -> Any:
            if type(value) is not kind:
                raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
            return value

        return structure

    converter.register_structure_hook(int, exact(int))
    converter.register_structure_hook(str, exact(str))

    def feedback_list(value: Any, _: type) -> list[FeedbackItem]:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return [converter.structure(item, FeedbackItem) for item in value]

    converter.register_structure_hook_func(lambda t: t == list[FeedbackItem], feedback_list)

    def feedback_type(value: Any, _: type) -> FeedbackType:
        if not isinstance(value, str):
            raise TypeError(f"expected str, got {type(value).__name__}")
        return FeedbackType(value)

    converter.register_structure_hook(FeedbackType, feedback_type)
    for cls in (FeedbackItem, CategoryAnalysis, ResumeAnalysis):
        renames: dict[str, Any] = {a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls)}
        converter.register_structure_hook(
            cls,
            make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True, **renames),
        )
    return converter


_CONVERTER = _strict_converter()


def structure_analysis(data: Any) -> ResumeAnalysis:
    """Validate a provider's analysis; anything off-shape raises AiFailed."""
    if not isinstance(data, dict):
        _failed(ANALYSIS_FAILED, f"analysis is a {type(data).__name__}, not an object")
    try:
        return _CONVERTER.structure(data, ResumeAnalysis)
    except cattrs.BaseValidationError as exc:
        problems = "; ".join(cattrs.transform_error(exc))
        _failed(ANALYSIS_FAILED, f"analysis does not fit the schema: {problems}", exc)
