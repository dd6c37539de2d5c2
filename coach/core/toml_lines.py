"""Line numbers for a catalogue's tables and keys.

`tomllib` gives values but not where they came from. This scanner reads the same text line by
line and records, for each `[[exercise]]`, `[[routine]]` and `[[routine.item]]` table, the line
of its header and of each key, so a problem can say "exercises.toml:14". It only has to be right
for valid TOML (it runs after `tomllib` accepted the text) and is cheap: one regex pass per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_.\-\s\"']+?)\s*\]\]")
_TABLE = re.compile(r"\s*\[\s*([A-Za-z0-9_.\-\s\"']+?)\s*\]")
_KEY = re.compile(r"\s*(\"[^\"\n]*\"|'[^'\n]*'|[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")
# Strings, comments and brackets: what matters for telling a key line from a continuation line.
_TOKEN = re.compile(r"\"\"\"|'''|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|#|[\[\]{}]")


@dataclass
class TableLines:
    """Where one table starts and where each of its keys is (1-based line numbers)."""

    line: int
    keys: dict[str, int] = field(default_factory=dict)

    def of(self, key: str | None) -> int:
        """The line of `key`, or of the table's header when the key is absent."""
        if key is None:
            return self.line
        return self.keys.get(key, self.line)


@dataclass
class CatalogueLines:
    root: TableLines
    exercises: list[TableLines] = field(default_factory=list)
    routines: list[TableLines] = field(default_factory=list)
    items: list[list[TableLines]] = field(default_factory=list)  # per routine

    def add(self, name: str, table: TableLines) -> bool:
        """File `table` under the `[[name]]` it starts: exercise, routine or routine.item (the
        last routine's). False for any other name, or an item before any routine."""
        if name == "exercise":
            self.exercises.append(table)
        elif name == "routine":
            self.routines.append(table)
            self.items.append([])
        elif name == "routine.item" and self.items:
            self.items[-1].append(table)
        else:
            return False
        return True


_HEADERS = re.compile(r"^[ \t]*\[\[[ \t]*(exercise|routine|routine\.item)[ \t]*\]\]", re.M)


def headers(text: str) -> CatalogueLines:
    """Only the table header lines: a fast pass (C-speed regex) for files with no problems.

    It does not follow multi-line strings, so it is used only when the file loads cleanly;
    any problem triggers the full `scan` to locate it.
    """
    lines = CatalogueLines(root=TableLines(line=1))
    line = 1
    pos = 0
    for match in _HEADERS.finditer(text):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        lines.add(match.group(1), TableLines(line=line))
    return lines


def _bare(key: str) -> str:
    key = key.strip()
    if key[:1] in "\"'":
        return key[1:-1]
    return re.sub(r"\s+", "", key)


def scan(text: str) -> CatalogueLines:
    """Record the lines of tables and keys in `text` (which `tomllib` has already accepted)."""
    lines = CatalogueLines(root=TableLines(line=1))
    current = lines.root
    depth = 0
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        rest = raw
        if in_multiline is not None:
            end = raw.find(in_multiline)
            if end < 0:
                continue
            rest = raw[end + 3 :]
            in_multiline = None
        elif depth == 0:
            header = _HEADER.match(raw)
            if header:
                name = _bare(header.group(1))
                opened = TableLines(line=number)
                # An array of sub-tables such as [[exercise.tempo]]: its keys stay with the
                # enclosing table, located at the sub-table's header.
                current = (opened if lines.add(name, opened)
                           else _subtable(lines, name, number, current))
                continue
            table = _TABLE.match(raw)
            if table and not raw.lstrip().startswith("[["):
                current = _subtable(lines, _bare(table.group(1)), number, current)
                continue
            key = _KEY.match(raw)
            if key:
                current.keys.setdefault(_bare(key.group(1)), number)
                rest = raw[key.end() :]
        # Follow strings and brackets to the end of the line.
        for token in _TOKEN.finditer(rest):
            t = token.group()
            if t == "#":
                break
            if t in ('"""', "'''"):
                after = rest[token.end() :]
                if t in after:
                    continue  # opened and closed on this line (a regex cannot tell; be lenient)
                in_multiline = t
                break
            if t in "[{":
                depth += 1
            elif t in "]}":
                depth = max(0, depth - 1)
    return lines


def _subtable(lines: CatalogueLines, name: str, number: int, current: TableLines) -> TableLines:
    """Sub-tables like [exercise.cues] belong to the last exercise (or routine)."""
    head, _, tail = name.partition(".")
    owner: TableLines | None = None
    if head == "exercise" and lines.exercises:
        owner = lines.exercises[-1]
    elif head == "routine" and lines.routines:
        owner = lines.routines[-1]
        if tail.startswith("item.") and lines.items and lines.items[-1]:
            owner = lines.items[-1][-1]
            tail = tail[len("item.") :]
    if owner is None:
        return TableLines(line=number)
    owner.keys.setdefault(tail.split(".")[0], number)
    return TableLines(line=number)  # its own keys are located at the sub-table's lines
