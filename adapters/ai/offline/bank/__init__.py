"""The offline coach's question bank: the questions shipped as data
(``model``) and how the next one is picked for a job (``selection``)."""

from adapters.ai.offline.bank.model import (
    BankQuestion,
    Kind,
    Misconception,
    QuestionBank,
    load_bank,
    question_chunks,
)
from adapters.ai.offline.bank.selection import JobProfile, choose, difficulty_order, fits_family

__all__ = [
    "BankQuestion",
    "JobProfile",
    "Kind",
    "Misconception",
    "QuestionBank",
    "choose",
    "difficulty_order",
    "fits_family",
    "load_bank",
    "question_chunks",
]
