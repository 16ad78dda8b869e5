"""A test-only channel: the article as one plain-text message (SMS).

It exists to prove the seam: a channel is this one package plus one line in the
registry (``registry.CHANNELS["sms"] = SmsText()``), and the pipeline, the gate,
``publish check`` and the policy take it up with no other edit.
"""

from __future__ import annotations

from channels.base import Channel, Context, Expectation, Rendered
from channels.content.article import Article
from channels.content.disclaimers import Disclaimer

FILE = "sms.txt"


class SmsText(Channel):
    name = "sms"
    files = (FILE,)
    opens = FILE
    lone = (FILE,)

    def render(self, article: Article, context: Context) -> Rendered:
        notices = " ".join(d.short for d in self.carried(context.required_for(self.name)))
        text = f"{article.title}\n{notices}\n{article.url}\n"
        return Rendered(self.name, ((FILE, text.encode("utf-8")),))

    def carried(self, required: tuple[Disclaimer, ...]) -> tuple[Disclaimer, ...]:
        return required

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        return {"message": rendered.file(FILE).decode("utf-8")}

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        return [Expectation(d, "short", "each") for d in required]


class SmsWithoutCrisisLine(SmsText):
    """The same channel with a bug: it drops the 988 line from the message."""

    def carried(self, required: tuple[Disclaimer, ...]) -> tuple[Disclaimer, ...]:
        return tuple(d for d in required if d.id != "crisis-988")
