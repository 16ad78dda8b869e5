"""The seam every channel implements, and the data that crosses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from .article import Article
from .disclaimers import Disclaimer
from .markdown import Body
from .site import Site


@dataclass(frozen=True)
class Context:
    """Everything a channel needs besides the article; plain data."""

    site: Site
    body: Body
    templates_dir: str
    article_dir: str
    required: tuple[tuple[str, tuple[Disclaimer, ...]], ...]

    def required_for(self, channel: str) -> tuple[Disclaimer, ...]:
        """The disclaimers the policy requires of ``channel`` for this article."""
        return dict(self.required).get(channel, ())


@dataclass(frozen=True)
class Rendered:
    """A channel's output files, in memory, keyed by file name."""

    channel: str
    files: tuple[tuple[str, bytes], ...]
    notes: tuple[str, ...] = field(default=())

    def file(self, name: str) -> bytes:
        return dict(self.files)[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.files)


@dataclass(frozen=True)
class Expectation:
    """Where a disclaimer must be found in a channel's extracted parts.

    ``scope="each"``: in every part whose name starts with ``parts``;
    ``scope="any"``: in at least one of them.
    """

    disclaimer: Disclaimer
    form: Literal["full", "short"]
    scope: Literal["each", "any"]
    parts: str = ""

    @property
    def text(self) -> str:
        return self.disclaimer.text if self.form == "full" else self.disclaimer.short


class Channel(Protocol):
    """One output format: render from the article, read text back from the artifact."""

    name: str

    def render(self, article: Article, context: Context) -> Rendered: ...

    def extract_text(self, rendered: Rendered) -> dict[str, str]: ...

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]: ...
