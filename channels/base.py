"""The seam every channel implements, and the data that crosses it.

A channel is one output format: it renders an article into files in memory, reads
the text back out of those files for the gate, and says where each required
disclaimer must be found.  Adding one: a package with a ``Channel`` subclass, its
templates, and one line in ``channels/registry.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from channels.content.article import Article
from channels.content.disclaimers import Disclaimer, Policy
from channels.content.markdown import Body
from channels.content.site import Site
from channels.gate.browser import View
from channels.gate.expectations import Expectation
from channels.gate.match import Check
from channels.gate.witness import pixel_checks

__all__ = ["Channel", "Context", "Expectation", "Rendered", "SiteInputs", "View"]


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
class SiteInputs:
    """What a channel's site-wide files are made from: the published folder and settings."""

    out_dir: Path
    site: Site
    policy: Policy
    templates_dir: str


class Channel:
    """One output format: render from the article, read text back from the artifact."""

    name: ClassVar[str]
    # The files the gate reads back, by their published names; ``publish check`` finds
    # them in a folder by these names.  ``opens``: the one a person looks at first.
    files: ClassVar[tuple[str, ...]]
    opens: ClassVar[str]
    # How a lone output of this channel may be named for ``publish check`` (in messages).
    lone: ClassVar[tuple[str, ...]] = ()
    # Files a lone output is never checked without (a page's stylesheet).
    context_files: ClassVar[tuple[str, ...]] = ()

    def render(self, article: Article, context: Context) -> Rendered:
        raise NotImplementedError

    def extract_text(self, rendered: Rendered) -> dict[str, str]:
        """Text of every part of the output a reader gets, read back from its bytes."""
        raise NotImplementedError

    def expectations(self, required: tuple[Disclaimer, ...]) -> list[Expectation]:
        raise NotImplementedError

    def views(self, rendered: Rendered, shared: dict[str, bytes]) -> tuple[View, ...]:
        """How readers see the output in a browser, for the pixel witness (none: no HTML).

        ``shared``: the site's shared files (``assets/...``) the output links to.
        """
        return ()

    def painted(self, rendered: Rendered, expectations: list[Expectation],
                shared: dict[str, bytes]) -> list[Check]:
        """The pixel witness: each expectation as the reader's engine paints it (by default,
        Chromium on ``views``)."""
        return pixel_checks(self.name, self.views(rendered, shared), expectations)

    def recognize(self, path: Path, data: bytes) -> str | None:
        """The published name of a lone file given to ``publish check`` under another name
        (``draft.pdf``), if it is one of ours; a file under its published name is known."""
        return None

    def site_files(self, inputs: SiteInputs) -> dict[str, bytes]:
        """Files for the whole site (an index, shared assets), by path under ``output/``."""
        return {}
