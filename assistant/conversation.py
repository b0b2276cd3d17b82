"""Per-conversation state for follow-ups ("那技师班毕业的算不算？"). One object per chat
session; nothing is shared between users."""
from __future__ import annotations

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
