"""A question's one-line title on the questions page: its heading, else its
first line, never the topic line the coaches start with."""

from __future__ import annotations

import pytest

from adapters.web.pages.questions import title_of


@pytest.mark.parametrize(("markdown", "title"), [
    ("**Topics:** Python · SQL · **Difficulty:** Easy\n\n### Why are indexes fast?\n\n_tip_", "Why are indexes fast?"),
    ("**Topic:** Kubernetes\n\nHow does a **rolling** update work?", "How does a rolling update work?"),
    ("How would you shard a ledger?\n\nMore.", "How would you shard a ledger?"),
    ("**Topic:** Docker", "Topic: Docker"),
])
def test_the_title_is_the_question_not_its_topic_line(markdown: str, title: str) -> None:
    assert title_of(markdown) == title
