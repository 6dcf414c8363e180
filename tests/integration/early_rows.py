"""Rows written by hand for the migration tests, in SQL that every revision's
schema accepts (users and job infos have kept these columns since 0001)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

_USER = text("INSERT INTO users (id, name, email, created_at, updated_at) VALUES (:id, 'Ada', :email, :now, :now)")
_JOB_INFO = text("INSERT INTO job_infos (id, user_id, name, experience_level, description, created_at, updated_at) "
                 "VALUES (:id, :user_id, :name, 'senior', 'x', :now, :now)")


def add_user(connection: Connection, user_id: str, now: datetime) -> None:
    connection.execute(_USER, {"id": user_id, "email": f"{user_id}@example.com", "now": now})


def add_job_info(connection: Connection, job_info_id: str, user_id: str, now: datetime, name: str = "Job") -> None:
    connection.execute(_JOB_INFO, {"id": job_info_id, "user_id": user_id, "name": name, "now": now})
