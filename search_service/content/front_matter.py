"""Split an article into YAML front matter and Markdown body, keeping line numbers for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class FrontMatter:
    data: dict[str, Any]
    body: str
    body_start_line: int
    # (key,) or (key, index) or (key, subkey) -> 1-based line in the file
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line_of(self, *path: Any) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def parse(text: str) -> FrontMatter:
    if not text.startswith("---\n"):
        raise FrontMatterError(1, "the file must start with YAML front matter between '---' lines")
    end = text.find("\n---\n", 3)
    if end == -1:
        raise FrontMatterError(1, "the front matter has no closing '---' line")
    yaml_text = text[4 : end + 1]
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise FrontMatterError(line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter must be a mapping of field: value")
    lines: dict[tuple[Any, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        _record_lines(node, (), lines)
    body_start = text.count("\n", 0, end + 5) + 1
    return FrontMatter(data=data, body=text[end + 5 :], body_start_line=body_start, lines=lines)


def _record_lines(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    # +2: one for 1-based numbering, one for the opening '---' line.
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = path + (key_node.value,)
            lines[key_path] = key_node.start_mark.line + 2
            _record_lines(value_node, key_path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 2
            _record_lines(item, path + (index,), lines)
