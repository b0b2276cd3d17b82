"""Per-conversation state for follow-ups ("那技师班毕业的算不算？"). One object per chat
session; nothing is shared between users. A conversation is plain data: :meth:`to_json`
and :meth:`from_json` carry it through a shared store (assistant/conversations.py), so a
follow-up can be answered by another app process."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Conversation:
    turns: list[str] = field(default_factory=list)  # resolved questions, oldest first
    topic: tuple[str, str] | None = None  # (doc_id, article) of the last answer's main basis
    topic_text: str = ""  # the last substantive question (context for an elliptical turn)
    rule: str | None = None  # eligibility rule under discussion
    facts: dict[str, Any] = field(default_factory=dict)  # facts stated so far for that rule

    def remember(self, question: str, topic: tuple[str, str] | None, standalone: bool) -> None:
        self.turns.append(question)
        if topic is not None:
            self.topic = topic
        if standalone:
            self.topic_text = question

    def to_json(self) -> str:
        return json.dumps({"turns": self.turns, "topic": list(self.topic) if self.topic else None,
                           "topic_text": self.topic_text, "rule": self.rule, "facts": self.facts},
                          ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> "Conversation":
        """The conversation :meth:`to_json` wrote; ValueError when ``text`` is not one."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a conversation")
        topic = data.get("topic")
        facts = data.get("facts") or {}
        return cls(turns=[str(t) for t in data.get("turns") or []],
                   topic=(str(topic[0]), str(topic[1])) if isinstance(topic, list) and len(topic) == 2 else None,
                   topic_text=str(data.get("topic_text") or ""), rule=data.get("rule") or None,
                   facts=dict(facts) if isinstance(facts, dict) else {})
