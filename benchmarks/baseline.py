"""The hand-written baseline of ``benchmarks/actions.py``: a minimal Flask +
SQLAlchemy app doing the same statements as darasa's job-info, question and
interview actions, prebuilt, for the user whose bearer token it is given.
It authenticates as a hand-written view would, with the statement darasa's
local accounts use (the session joined with its user, by the token's
HMAC digest) on the connection the action then uses; it has no validation
beyond what its statements need, no cache and no request log. gunicorn
loads it as ``baseline:baseline_app()`` with ``benchmarks/`` on its path."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

BASELINE_USER = "00000000-0000-4000-8000-000000000000"
"""The user the baseline's benchmarks sign in as."""
KEY = b"baseline-secret-key"
"""Keys the baseline's token digests, as darasa's ``SECRET_KEY`` keys its own."""


def digest(token: str) -> str:
    return hmac.new(KEY, token.encode(), hashlib.sha256).hexdigest()


def prepare(url: str) -> str:
    """Migrate the database at ``url``, add the baseline's user and open
    them a session for a day: its bearer token."""
    from adapters.db.engine import connect, make_engine
    from adapters.db.migrate import upgrade
    from adapters.db.tables import sessions, users

    engine = make_engine(url)
    upgrade(engine)
    now, token = datetime.now(UTC), secrets.token_urlsafe(32)
    with connect(engine, write=True) as connection:
        with connection.begin():
            if connection.execute(users.select().where(users.c.id == BASELINE_USER)).first() is None:
                connection.execute(users.insert().values(id=BASELINE_USER, name="Baseline",
                                                         email="baseline@example.com", created_at=now,
                                                         updated_at=now))
            connection.execute(sessions.insert().values(
                id=str(uuid.uuid4()), user_id=BASELINE_USER, token_digest=digest(token), created_at=now,
                expires_at=now + timedelta(days=1)))
    engine.dispose()
    return token


def baseline_app():  # noqa: ANN201 - a Flask app, imported lazily
    """The same statements as darasa's actions, built once, on darasa's
    engine, each request authenticated first. Its database is
    ``$BASELINE_DATABASE_URL``."""
    from flask import Flask, abort, jsonify, request
    from sqlalchemy import Connection, bindparam, insert, select, update

    from adapters.db.engine import connect, make_engine
    from adapters.db.tables import interviews, job_infos, questions, sessions, users

    engine = make_engine(os.environ["BASELINE_DATABASE_URL"])
    app = Flask("baseline")
    live_session = (select(sessions.c.user_id, sessions.c.expires_at)
                    .join(users, users.c.id == sessions.c.user_id)
                    .where(sessions.c.token_digest == bindparam("digest"), sessions.c.revoked_at.is_(None)))

    def signed_in(connection: Connection) -> str:
        """The caller's user id, or 401."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            abort(401)
        row = connection.execute(live_session, {"digest": digest(token)}).first()
        if row is None or row.expires_at <= datetime.now(UTC):
            abort(401)
        return str(row.user_id)

    c = job_infos.c
    create = insert(job_infos)
    get = select(job_infos).where(c.id == bindparam("id"), c.user_id == bindparam("user_id"))
    listed = (select(job_infos).where(c.user_id == bindparam("user_id"))
              .order_by(c.updated_at.desc(), c.id.desc()).limit(50))
    change = (update(job_infos).where(c.id == bindparam("job_id"), c.user_id == bindparam("owner_id"))
              .values(name=bindparam("name"), title=bindparam("title"),
                      experience_level=bindparam("experience_level"),
                      description=bindparam("description"), updated_at=bindparam("updated_at")))
    q = questions.c
    own_job = select(c.id).where(c.id == bindparam("id"), c.user_id == bindparam("user_id"))
    listed_questions = (select(questions).where(q.job_info_id == bindparam("id"))
                        .order_by(q.created_at.desc(), q.id.desc()).limit(50))

    new_interview = insert(interviews)

    def shown(row: Any) -> dict[str, Any]:
        return {"id": row.id, "userId": row.user_id, "name": row.name, "title": row.title,
                "experienceLevel": row.experience_level, "description": row.description,
                "createdAt": row.created_at.isoformat(), "updatedAt": row.updated_at.isoformat()}

    @app.get("/healthz")
    def healthz():  # noqa: ANN202 - the database answers, as darasa's /healthz checks
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return jsonify({"status": "ok"})

    @app.post("/createJobInfo")
    def create_job_info():  # noqa: ANN202
        payload = request.get_json()
        job_info_id, now = str(uuid.uuid4()), datetime.now(UTC)
        with connect(engine, write=True) as connection:
            connection.execute(create, {
                "id": job_info_id, "user_id": signed_in(connection), "name": payload["name"],
                "title": payload.get("title"), "experience_level": payload["experienceLevel"],
                "description": payload["description"], "created_at": now, "updated_at": now})
            connection.commit()
        return jsonify({"error": False, "id": job_info_id, "redirectTo": f"/app/job-infos/{job_info_id}"})

    @app.post("/getJobInfo")
    def get_job_info():  # noqa: ANN202
        with engine.connect() as connection:
            user_id = signed_in(connection)
            row = connection.execute(get, {"id": request.get_json()["id"], "user_id": user_id}).first()
        if row is None:
            abort(403)
        return jsonify({"error": False, "jobInfo": shown(row)})

    @app.post("/listJobInfos")
    def list_job_infos():  # noqa: ANN202
        with engine.connect() as connection:
            rows = connection.execute(listed, {"user_id": signed_in(connection)}).all()
        return jsonify({"error": False, "jobInfos": [shown(row) for row in rows], "nextCursor": None})

    @app.post("/updateJobInfo")
    def update_job_info():  # noqa: ANN202
        payload = request.get_json()
        with connect(engine, write=True) as connection:
            changed = connection.execute(change, {
                "job_id": payload["id"], "owner_id": signed_in(connection), "name": payload["name"],
                "title": payload.get("title"),
                "experience_level": payload["experienceLevel"], "description": payload["description"],
                "updated_at": datetime.now(UTC)}).rowcount
            connection.commit()
        if not changed:
            abort(403)
        return jsonify({"error": False})

    @app.post("/listQuestions")
    def list_questions():  # noqa: ANN202
        job_info_id = request.get_json()["jobInfoId"]
        with engine.connect() as connection:
            user_id = signed_in(connection)
            if connection.execute(own_job, {"id": job_info_id, "user_id": user_id}).first() is None:
                abort(403)
            rows = connection.execute(listed_questions, {"id": job_info_id}).all()
        return jsonify({"error": False, "questions": [
            {"id": r.id, "jobInfoId": r.job_info_id, "text": r.text, "difficulty": r.difficulty,
             "createdAt": r.created_at.isoformat(), "answers": []} for r in rows], "nextCursor": None})

    @app.post("/createInterview")
    def create_interview():  # noqa: ANN202
        job_info_id = request.get_json()["jobInfoId"]
        interview_id, now = str(uuid.uuid4()), datetime.now(UTC)
        with connect(engine, write=True) as connection:  # SQLite: BEGIN IMMEDIATE before the reads
            user_id = signed_in(connection)
            if connection.execute(own_job, {"id": job_info_id, "user_id": user_id}).first() is None:
                abort(403)
            connection.execute(new_interview, {
                "id": interview_id, "job_info_id": job_info_id, "user_id": user_id, "duration": "00:00:00",
                "hume_chat_id": None, "feedback": None, "created_at": now, "updated_at": now})
            connection.commit()
        return jsonify({"error": False, "id": interview_id})

    return app
