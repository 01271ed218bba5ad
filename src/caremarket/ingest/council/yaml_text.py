"""YAML as councils write it: parsed safely, with the line of each value for problem reports."""

from __future__ import annotations

from typing import Any

import yaml

from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode


class _TextDatesLoader(yaml.SafeLoader):
    """The safe loader, but dates stay text so a bad date is a data problem, not a crash."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path = tuple[str | int, ...]
"""Where a value is in a YAML document: keys and list indices from the top."""


def parse_yaml(text: str, file: str, *, expected: str, first_line: int = 1) -> Any:
    """Safely parse YAML text; DataProblemError naming the line when it cannot be read."""
    try:
        return yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.BAD_FRONT_MATTER,
                    file,
                    expected,
                    row=first_line + mark.line if mark is not None else None,
                    value=str(getattr(error, "problem", None) or error),
                )
            ]
        ) from None


def line_map(text: str, *, first_line: int = 1) -> dict[Path, int]:
    """The 1-based line of every key and list item of a YAML text that parses."""
    lines: dict[Path, int] = {}
    _walk(yaml.compose(text, Loader=_TextDatesLoader), (), first_line, lines)
    return lines


def _walk(node: yaml.Node | None, path: Path, first_line: int, lines: dict[Path, int]) -> None:
    if node is None:
        return
    lines.setdefault(path, first_line + node.start_mark.line)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = first_line + key.start_mark.line
            _walk(value, child, first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), first_line, lines)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, or of the nearest enclosing value that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
