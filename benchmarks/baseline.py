"""The hand-written baseline of ``benchmarks/actions.py``: a minimal Flask +
SQLAlchemy app doing the same statements as darasa's job-info, question and
interview actions, prebuilt, for one fixed user. gunicorn loads it as
``baseline:baseline_app()`` with ``benchmarks/`` on its path."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

BASELINE_USER = "00000000-0000-4000-8000-000000000000"
"""The one user the baseline serves (it authenticates nobody)."""


def prepare(url: str) -> None:
    """Migrate the database at ``url`` and add the baseline's user."""
    from adapters.db.engine import WRITE, make_engine
    from adapters.db.migrate import upgrade
    from adapters.db.tables import users

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            if connection.execute(users.select().where(users.c.id == BASELINE_USER)).first() is None:
                connection.execute(users.insert().values(id=BASELINE_USER, name="Baseline",
                                                         email="baseline@example.com", created_at=now,
                                                         updated_at=now))
    engine.dispose()


def baseline_app():  # noqa: ANN201 - a Flask app, imported lazily
    """The same statements as darasa's actions, built once, for one fixed
    user, on darasa's engine. Its database is ``$BASELINE_DATABASE_URL``."""
    from flask import Flask, abort, jsonify, request
    from sqlalchemy import bindparam, insert, select, update

    from adapters.db.engine import WRITE, make_engine
    from adapters.db.tables import interviews, job_infos, questions

    engine = make_engine(os.environ["BASELINE_DATABASE_URL"])
    app = Flask("baseline")
    c = job_infos.c
    create = insert(job_infos)
    get = select(job_infos).where(c.id == bindparam("id"), c.user_id == BASELINE_USER)
    listed = select(job_infos).where(c.user_id == BASELINE_USER).order_by(c.updated_at.desc(), c.id.desc()).limit(50)
    change = (update(job_infos).where(c.id == bindparam("job_id"), c.user_id == BASELINE_USER)
              .values(name=bindparam("name"), title=bindparam("title"),
                      experience_level=bindparam("experience_level"),
                      description=bindparam("description"), updated_at=bindparam("updated_at")))
    q = questions.c
    own_job = select(c.id).where(c.id == bindparam("id"), c.user_id == BASELINE_USER)
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
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            connection.execute(create, {
                "id": job_info_id, "user_id": BASELINE_USER, "name": payload["name"],
                "title": payload.get("title"), "experience_level": payload["experienceLevel"],
                "description": payload["description"], "created_at": now, "updated_at": now})
            connection.commit()
        return jsonify({"error": False, "id": job_info_id, "redirectTo": f"/app/job-infos/{job_info_id}"})

    @app.post("/getJobInfo")
    def get_job_info():  # noqa: ANN202
        with engine.connect() as connection:
            row = connection.execute(get, {"id": request.get_json()["id"]}).first()
        if row is None:
            abort(403)
        return jsonify({"error": False, "jobInfo": shown(row)})

    @app.post("/listJobInfos")
    def list_job_infos():  # noqa: ANN202
        with engine.connect() as connection:
            rows = connection.execute(listed).all()
        return jsonify({"error": False, "jobInfos": [shown(row) for row in rows], "nextCursor": None})

    @app.post("/updateJobInfo")
    def update_job_info():  # noqa: ANN202
        payload = request.get_json()
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            changed = connection.execute(change, {
                "job_id": payload["id"], "name": payload["name"], "title": payload.get("title"),
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
            if connection.execute(own_job, {"id": job_info_id}).first() is None:
                abort(403)
            rows = connection.execute(listed_questions, {"id": job_info_id}).all()
        return jsonify({"error": False, "questions": [
            {"id": r.id, "jobInfoId": r.job_info_id, "text": r.text, "difficulty": r.difficulty,
             "createdAt": r.created_at.isoformat(), "answers": []} for r in rows], "nextCursor": None})

    @app.post("/createInterview")
    def create_interview():  # noqa: ANN202
        job_info_id = request.get_json()["jobInfoId"]
        interview_id, now = str(uuid.uuid4()), datetime.now(UTC)
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})  # SQLite: BEGIN IMMEDIATE before the read
            if connection.execute(own_job, {"id": job_info_id}).first() is None:
                abort(403)
            connection.execute(new_interview, {
                "id": interview_id, "job_info_id": job_info_id, "user_id": BASELINE_USER, "duration": "00:00:00",
                "hume_chat_id": None, "feedback": None, "created_at": now, "updated_at": now})
            connection.commit()
        return jsonify({"error": False, "id": interview_id})

    return app
