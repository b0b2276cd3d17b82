"""政策助手 — offline, cited answers on Chinese skills policy.

Importing the package does no work; the heavy parts (embedders, chromadb, gradio)
load when first used::

    from assistant import PolicyAssistant
    bot = PolicyAssistant.from_settings()
    print(bot.ask("职工教育经费用在一线职工身上的比例有什么要求？").answer)
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["PolicyAssistant", "Settings", "Answer", "Citation"]


def __getattr__(name: str):  # lazy re-exports keep `import assistant` cheap
    if name == "PolicyAssistant":
        from .core import PolicyAssistant

        return PolicyAssistant
    if name == "Settings":
        from .settings import Settings

        return Settings
    if name in ("Answer", "Citation"):
        from . import models

        return getattr(models, name)
    raise AttributeError(name)
