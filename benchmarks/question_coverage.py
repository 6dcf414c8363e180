"""Writes ``docs/question-coverage.md``: how many questions the offline
coach's bank has per role family and per skill and difficulty. Run it after
changing a question pack: ``python benchmarks/question_coverage.py``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.ai.offline.bank import load_bank  # noqa: E402
from adapters.ai.offline.coverage import coverage_markdown  # noqa: E402

if __name__ == "__main__":
    target = ROOT / "docs" / "question-coverage.md"
    target.write_text(coverage_markdown(load_bank()), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
