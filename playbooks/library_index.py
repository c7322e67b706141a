"""The published library indexed by its keywords: `match` for many playbooks.

`matcher.match` screens every playbook in turn, so its cost grows with the library (200
playbooks: 1,310 matches/s on one core, `ops/bench/matching.py`). This index is built
once per published set: every normalised keyword with the playbooks that have it, and
the keyword lengths under each first two characters. A message is walked once (a dict
lookup per position, then a set lookup per length beginning there), which gives every
keyword present;
only the playbooks owning one are scored, each by a set intersection. It chooses exactly
what `matcher.match` chooses over the same playbooks (a property test holds it to that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from playbooks.matcher import (
    _is_latin,
    _keyword_pattern,
    _score,
    category_agreement,
    keyword_form,
    match_result,
    matchable,
    own_words,
)
from playbooks.schemas import PlaybookContent, PlaybookMatch
from triage.assessment.schemas import Assessment


class LibraryIndex:
    def __init__(self, playbooks: Sequence[PlaybookContent]) -> None:
        # The set itself, not a copy: `Answers` rebuilds only when it is another object.
        self.playbooks = playbooks if isinstance(playbooks, tuple) else tuple(playbooks)
        self._owners: dict[str, list[int]] = {}
        # Keys every one of whose words is Latin: found only as whole words. The word
        # patterns are compiled when a key is first present in a message, not here: the
        # library's ~1,600 Latin words cost ~0.3 s of start-up compiled all at once.
        self._whole_words: dict[str, str] = {}
        keys_with_other_scripts: set[str] = set()
        # Each playbook's keys in the order `keyword_hits` reports them (first seen).
        self._rank: list[dict[str, int]] = []
        for index, playbook in enumerate(self.playbooks):
            rank: dict[str, int] = {}
            for words in playbook.keywords.values():
                for word in words:
                    key = keyword_form(word)
                    if not key:
                        continue
                    if key not in rank:
                        rank[key] = len(rank)
                        self._owners.setdefault(key, []).append(index)
                    if _is_latin(word):
                        self._whole_words.setdefault(key, word)
                    else:
                        keys_with_other_scripts.add(key)
            self._rank.append(rank)
        for key in keys_with_other_scripts:
            self._whole_words.pop(key, None)
        # The lengths of the keys under each first two characters: a message is walked
        # once, and at each position only those slices are looked up (a set lookup per
        # length instead of a `startswith` per key: some heads begin 90 keys).
        lengths: dict[str, set[int]] = {}
        for key in self._owners:
            if len(key) >= 2:
                lengths.setdefault(key[:2], set()).add(len(key))
        self._lengths = {head: tuple(sorted(found)) for head, found in lengths.items()}
        self._single = [key for key in self._owners if len(key) == 1]

    def present(self, normalized: str) -> set[str]:
        """The keywords of any playbook found in this text (in `matchable` form)."""
        found: set[str] = set()
        lengths_at, owners = self._lengths.get, self._owners
        for start in range(len(normalized) - 1):
            lengths = lengths_at(normalized[start : start + 2])
            if lengths:
                for length in lengths:
                    piece = normalized[start : start + length]
                    if piece in owners:
                        found.add(piece)
        found.update(key for key in self._single if key in normalized)
        whole_words = self._whole_words
        return {
            key
            for key in found
            if key not in whole_words or _keyword_pattern(whole_words[key]).search(normalized)
        }

    def match(
        self,
        assessment: Assessment,
        text: str,
        allowed: Callable[[PlaybookContent], bool] | None = None,
    ) -> PlaybookMatch | None:
        """`matcher.match(assessment, text, [p for p in playbooks if allowed(p)])`."""
        if assessment.priority.needs_human:
            return None
        present = self.present(matchable(own_words(assessment, text)))
        best: tuple[tuple[float, int, int, str], PlaybookContent, list[str], bool] | None = None
        for index in {index for key in present for index in self._owners[key]}:
            playbook, rank = self.playbooks[index], self._rank[index]
            if allowed is not None and not allowed(playbook):
                continue
            hits = sorted(present.intersection(rank), key=rank.__getitem__)
            agreement = category_agreement(assessment, playbook)
            agrees = agreement > 0
            # `matcher._Candidate.sort_key`: score, more hits, longer words, then the id.
            order = (-_score(agreement, len(hits)), -len(hits), -max(map(len, hits)), playbook.id)
            if best is None or order < best[0]:
                best = (order, playbook, hits, agrees)
        if best is None:
            return None
        order, playbook, hits, agrees = best
        return match_result(assessment, playbook, hits, agrees, -order[0])
