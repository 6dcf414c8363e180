"""How hard a new password is to guess, by zxcvbn (Dropbox's estimator, whose
lists of common passwords, names, words and keyboard patterns ship in the
package: nothing is fetched).

A password must score at least ``MIN_SCORE`` of zxcvbn's 0 to 4: 3 is "safely
unguessable: moderate protection from an offline slow-hash scenario" (about
10^10 guesses), which argon2 hashes make slow. zxcvbn judges at most its first
``JUDGED_LENGTH`` characters (its own cap, which bounds its work); a longer
password is judged by them.

zxcvbn and its dictionaries are loaded on the first password judged, not at
start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_SCORE = 3
JUDGED_LENGTH = 72
TOO_WEAK = "This password is too easy to guess."


class ZxcvbnStrength:
    def __init__(self, min_score: int = MIN_SCORE) -> None:
        self._min_score = min_score

    def weaknesses(self, password: str, related: Sequence[str]) -> list[str]:
        words = [part for value in related for part in value.replace("@", " ").replace(".", " ").split() if part]
        from zxcvbn import zxcvbn

        judged = zxcvbn(password[:JUDGED_LENGTH], user_inputs=words[:20])
        if judged["score"] >= self._min_score:
            return []
        feedback = judged["feedback"]
        return [feedback["warning"] or TOO_WEAK, *feedback["suggestions"]]
