"""The OpenAPI document: a valid 3.1 document with one operation per
registered action, whose schemas say what the converter really accepts and
returns (camelCase names, required fields, enums, constraints)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import attrs
import jsonschema
import pytest
from openapi_spec_validator import validate

from adapters.fakes import FakeStorage
from adapters.web import openapi
from adapters.web.converter import structure, unstructure
from adapters.web.envelope import failure_body
from adapters.web.routes import SESSION_ROUTES
from core.accounts import SignedIn
from core.domain import User
from core.errors import ErrorCode, Invalid
from core.pipeline import Action, Actions, Success
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings
from tests.unit.app_on_fakes import FakeApp


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Actions:
    """Every action the application registers, as the container builds them."""
    instance = tmp_path_factory.mktemp("instance")
    return bootstrap(Settings.from_env({"DARASA_INSTANCE": str(instance)}), storage=FakeStorage()).actions()


@pytest.fixture(scope="module")
def doc(registered: Actions) -> dict[str, Any]:
    return openapi.document(registered)


def schema_of(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a schema of the document, its $refs resolved in it."""
    return jsonschema.Draft202012Validator({"components": doc["components"], **schema})


def component(doc: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"][ref["$ref"].removeprefix(openapi.REF)]


def property_names(schema: object) -> list[str]:
    if isinstance(schema, dict):
        names = list(schema.get("properties", {})) if isinstance(schema.get("properties"), dict) else []
        return names + [name for value in schema.values() for name in property_names(value)]
    if isinstance(schema, list):
        return [name for value in schema for name in property_names(value)]
    return []


def test_is_a_valid_openapi_31_document(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_every_registered_action_has_its_operation(registered: Actions, doc: dict[str, Any]) -> None:
    assert registered.registry, "the container registers no action"
    for name, action in registered.registry.items():
        if name in SESSION_ROUTES:  # served at /auth/...: test_auth_routes_and_health_check_are_documented
            assert doc["paths"][SESSION_ROUTES[name]]["post"]["operationId"] == name
            continue
        operation = doc["paths"][f"/actions/{name}"]["post"]
        assert operation["operationId"] == name
        (media,) = operation["requestBody"]["content"]
        assert media == ("multipart/form-data" if name in {"analyzeResume", "sendInterviewAudio"} else "application/json")
        assert component(doc, operation["requestBody"]["content"][media]["schema"]) is (
            doc["components"]["schemas"][action.command.__name__]
        )
        assert {"200", "401", "403", "404", "413", "422", "429", "500"} <= set(operation["responses"])
        assert {"bearerAuth": []} in operation["security"] and {"cookieAuth": []} in operation["security"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_a_file_is_a_binary_form_field(doc: dict[str, Any]) -> None:
    command = doc["components"]["schemas"]["AnalyzeResumeCommand"]
    assert command["properties"]["resumeFile"] == {"type": "string", "contentMediaType": "application/octet-stream"}
    assert command["required"] == ["jobInfoId", "resumeFile"]


def test_auth_routes_and_health_check_are_documented(doc: dict[str, Any]) -> None:
    for path in ("/auth/sign-up", "/auth/sign-in", "/auth/sign-out"):
        assert "post" in doc["paths"][path]
    assert set(doc["paths"]["/healthz"]["get"]["responses"]) >= {"200", "503"}
    signed_in = doc["components"]["schemas"]["SignedIn"]
    assert signed_in["required"] == ["user", "token"]
    user = component(doc, signed_in["properties"]["user"])
    assert {"id", "name", "email", "imageUrl", "createdAt", "updatedAt"} == set(user["properties"])
    operation = doc["paths"]["/auth/sign-up"]["post"]
    sign_up = component(doc, operation["requestBody"]["content"]["application/json"]["schema"])
    assert {"email", "password", "name"} <= set(sign_up["required"])
    now = datetime.now(UTC)
    answer = {"error": False, **unstructure(SignedIn(User("u1", "Ada", "ada@example.com", None, now, now), "t"))}
    schema_of(doc, operation["responses"]["200"]["content"]["application/json"]["schema"]).validate(answer)
    assert doc["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"},
        "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "darasa_session"},
    }


def test_wire_names_are_camel_case(doc: dict[str, Any]) -> None:
    names = property_names(doc["components"]["schemas"])
    assert names and not [name for name in names if "_" in name]
    job_info = doc["components"]["schemas"]["JobInfo"]
    assert {"userId", "experienceLevel", "createdAt", "updatedAt"} <= set(job_info["properties"])
    assert "redirectTo" in doc["components"]["schemas"]["JobInfoSaved"]["properties"]


def test_commands_require_fields_without_default_and_refuse_others(doc: dict[str, Any]) -> None:
    create = doc["components"]["schemas"]["CreateJobInfoCommand"]
    assert create["required"] == ["name", "experienceLevel", "description"]
    assert create["additionalProperties"] is False
    assert "null" in str(create["properties"]["title"])
    assert "required" not in doc["components"]["schemas"]["ListJobInfosQuery"]


def test_enums_list_their_wire_values(doc: dict[str, Any]) -> None:
    assert doc["components"]["schemas"]["ExperienceLevel"] == {
        "type": "string",
        "enum": ["junior", "mid-level", "senior"],
    }
    assert doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"] == [c.value for c in ErrorCode]


def test_what_an_action_returns_matches_its_documented_response(doc: dict[str, Any]) -> None:
    app = FakeApp()
    actor = app.user()
    saved = app.run(
        "createJobInfo", actor, {"name": "Backend", "experienceLevel": "senior", "description": "Go"}
    )
    assert isinstance(saved, Success)
    for name, payload in [("getJobInfo", {"id": saved.data.id}), ("listJobInfos", {})]:
        result = app.run(name, actor, payload)
        assert isinstance(result, Success)
        body = {"error": False, **unstructure(result.data)}
        response = doc["paths"][f"/actions/{name}"]["post"]["responses"]["200"]
        schema_of(doc, response["content"]["application/json"]["schema"]).validate(body)
    refused = app.run("getJobInfo", None, {"id": saved.data.id})
    error = failure_body(refused)
    schema_of(doc, {"$ref": openapi.REF + "Error"}).validate(error)


def test_documented_commands_agree_with_the_converter(doc: dict[str, Any]) -> None:
    command = schema_of(doc, {"$ref": openapi.REF + "CreateJobInfoCommand"})
    good = {"name": "Backend", "title": None, "experienceLevel": "junior", "description": "Go"}
    assert command.is_valid(good)
    command_type = FakeApp().actions.registry["createJobInfo"].command
    structure(command_type, good)
    for bad in (
        {**good, "userId": "someone"},
        {**good, "experienceLevel": "principal"},
        {key: value for key, value in good.items() if key != "name"},
        {**good, "name": 5},
    ):
        assert not command.is_valid(bad)
        with pytest.raises(Invalid):
            structure(command_type, bad)


class Mood(enum.Enum):
    CALM = "calm"
    TENSE = "tense-ish"


@attrs.frozen
class Step:
    at: datetime
    score: float


@attrs.frozen(kw_only=True)
class EveryKindCommand:
    label: str = attrs.field(validator=attrs.validators.max_len(30))
    count: int
    ready: bool = False
    mood: Mood
    tags: list[str] = attrs.field(factory=list)
    steps: list[Step]
    last: Step | None = None
    note: str | None = None


@attrs.frozen
class EveryKindResult:
    first_step: Step
    moods: list[Mood]


def test_types_of_any_new_action_map_to_json_schema() -> None:
    action = Action("doEverything", EveryKindCommand, EveryKindResult, object)
    doc = openapi.document(Actions([(action, lambda context, command: None)], structure))
    validate(doc)
    schemas = doc["components"]["schemas"]
    command = schemas["EveryKindCommand"]
    assert command["required"] == ["label", "count", "mood", "steps"]
    assert command["properties"] == {
        "label": {"type": "string", "maxLength": 30},
        "count": {"type": "integer"},
        "ready": {"type": "boolean"},
        "mood": {"$ref": openapi.REF + "Mood"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "steps": {"type": "array", "items": {"$ref": openapi.REF + "Step"}},
        "last": {"anyOf": [{"$ref": openapi.REF + "Step"}, {"type": "null"}]},
        "note": {"type": ["string", "null"]},
    }
    assert schemas["Mood"]["enum"] == ["calm", "tense-ish"]
    assert schemas["Step"]["properties"]["at"] == {"type": "string", "format": "date-time"}
    assert schemas["Step"]["additionalProperties"] is False
    result = schemas["EveryKindResult"]
    assert result["required"] == ["firstStep", "moods"] and "additionalProperties" not in result
    assert schemas["StepResult"]["required"] == ["at", "score"]

    payload = {"label": "x", "count": 2, "mood": "calm", "steps": [{"at": "2024-01-02T03:04:05Z", "score": 1}]}
    schema_of(doc, {"$ref": openapi.REF + "EveryKindCommand"}).validate(payload)
    assert structure(EveryKindCommand, payload).steps == [Step(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), 1.0)]
    body = {"error": False, **unstructure(EveryKindResult(Step(datetime.now(UTC), 0.5), [Mood.TENSE]))}
    response = doc["paths"]["/actions/doEverything"]["post"]["responses"]["200"]
    schema_of(doc, response["content"]["application/json"]["schema"]).validate(body)


def test_a_type_the_wire_cannot_carry_is_refused() -> None:
    @attrs.frozen
    class Odd:
        either: int | str

    with pytest.raises(TypeError):
        openapi.document(Actions([(Action("odd", Odd, None, object), lambda context, command: None)], structure))


def test_every_action_declares_the_idempotency_key_header(doc: dict[str, Any], registered: Actions) -> None:
    key = doc["components"]["parameters"]["IdempotencyKey"]
    assert (key["name"], key["in"], key["required"]) == ("Idempotency-Key", "header", False)
    for name in registered.registry:
        operation = doc["paths"][openapi.path_of(name)]["post"]
        declared = [p["$ref"] for p in operation.get("parameters", [])]
        if name in SESSION_ROUTES:  # /auth/*: no such header is read there
            assert declared == []
        else:
            assert declared == ["#/components/parameters/IdempotencyKey"], name
