"""Strict, safe YAML: no object tags, no aliases, no duplicate keys, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from channels.errors import InputError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that also refuses aliases (alias bombs) and duplicate keys."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None, None,
                    f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 reads yes/no/on/off as booleans, which would turn the `reviewed: {on: ...}`
# key into True.  Only true/false are booleans here (as in YAML 1.2).  Dates stay text
# and are parsed by the field that wants one, so "2026-13-45" gets a clear message.
_DROPPED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML plus the 1-based line of every key, by dotted path."""

    data: Any
    lines: dict[str, int]

    def line(self, path: str, default: int) -> int:
        """Line of ``path`` (or of its nearest parent), else ``default``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return default


def load_yaml_file(path: Path, what: str) -> YamlDoc:
    """Read and parse a settings file; ``what`` names it in the message if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot read {what}: {exc.strerror}",
                         f"restore {path.name} in the source folder") from None
    return load_yaml(text, str(path))


def load_yaml(text: str, filename: str, first_line: int = 1) -> YamlDoc:
    """Parse ``text``; ``first_line`` is where it starts in ``filename`` (for messages).

    Raises:
        InputError: naming the file, line and column, for any YAML problem.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = filename
        if mark is not None:
            where = f"{filename}:{mark.line + first_line}:{mark.column + 1}"
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
            raise InputError(where, f"invalid YAML: tag {_tag(problem)} is not allowed",
                             "write plain text, lists and mappings only") from None
        raise InputError(where, f"invalid YAML: {problem}", "fix the YAML syntax there") from None
    except yaml.YAMLError as exc:
        raise InputError(filename, f"invalid YAML: {exc}", "fix the YAML syntax") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _collect_lines(node, "", first_line, lines)
    return YamlDoc(data, lines)


def _collect_lines(node: yaml.Node, prefix: str, first_line: int, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = key_node.start_mark.line + first_line
            _collect_lines(value_node, path, first_line, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}"
            out[path] = item.start_mark.line + first_line
            _collect_lines(item, path, first_line, out)


def _tag(problem: str) -> str:
    """``tag:yaml.org,2002:python/...`` as the author wrote it: ``!!python/...``."""
    tag = problem.rpartition("tag ")[2].strip("'\"")
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag.removeprefix(prefix) if tag.startswith(prefix) else tag
