"""A routine being edited: the text as typed, operations with undo, and the loader's checks.

The editor window renders a `RoutineDraft` and forwards what the user does to it; the draft
holds no Qt and no rules of its own. Fields are kept exactly as typed (so "3o" stays "3o" until
corrected), and `check()` validates them by writing the draft as a catalogue routine and reading
it back with the catalogue loader (`parse_text` + `merge` against the catalogue in use): the same
rules as a file the patient opens. The messages are put in a physiotherapist's words ("Give the
routine a name", not the file's field names), and `shown()` holds a field's message back until
the person has typed in it or asked to save: a new routine opens with no message at all.

The id is never typed: it is made from the name (unique among the routines there are) until
the routine is first saved, and then stays, so its history keeps following it.

Every change is one undo step; typing in one field is merged into a single step until another
kind of change (as in a text editor).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from coach.core.catalogue import (
    DOSE_KEYS,
    INTEGER_KEYS,
    RANGES,
    SCHEMA_VERSION,
    ParsedFile,
    merge,
    parse_text,
)
from coach.core.models import Catalogue, Exercise, Problem, Routine, TempoPhase
from coach.core.prescription import dose_value, slug, unique_id

#: Routine fields, as the editor names them (the prescriber's two are flattened).
ROUTINE_FIELDS = (
    "id", "name", "description", "sessions_per_week", "weeks", "rest_between_seconds",
    "prescriber_name", "prescriber_contact", "affected_side",
)
#: The routine's `affected_side` as one field: "" (the patient's own setting), "left",
#: "right", or "left-only"/"right-only" (`affected_side_only`).
AFFECTED_SIDE_CHOICES = ("", "left", "right", "left-only", "right-only")
#: Number fields of a routine item the editor offers (other dose keys are kept as they are).
ITEM_NUMBERS = ("hold_seconds", "reps", "sets", "rest_seconds", "duration_seconds")
#: Choices of a routine item ("" = the exercise's own).
ITEM_CHOICES = ("sides", "first_side")
#: The name problems in the draft are located in.
DRAFT_NAME = "this routine"

_INTEGER = re.compile(r"[+-]?\d+")
_ITEM = re.compile(r"^item (\d+)\b[^:]*:\s*")


@dataclass
class DraftItem:
    """One routine item as typed: raw text per dose field ("" = the exercise's own value)."""

    exercise_id: str
    values: dict[str, Any] = field(default_factory=dict)
    #: Seconds per tempo part as typed, or None for the exercise's own tempo.
    tempo: list[str] | None = None
    #: The tempo parts' names and cues (from the item's override or the exercise).
    tempo_parts: list[tuple[str, str | None]] = field(default_factory=list)
    note: str = ""
    #: Fields the person has typed in (their messages are shown); not part of undo.
    touched: set[str] = field(default_factory=set, compare=False)


@dataclass
class _State:
    fields: dict[str, str]
    items: list[DraftItem]
    id_follows_name: bool


@dataclass(frozen=True)
class _Step:
    label: str
    before: _State
    merge_key: tuple[int | None, str] | None


@dataclass(frozen=True)
class Check:
    """The loader's verdict on the draft."""

    problems: tuple[Problem, ...]
    #: The routine the draft makes, when it has no problems.
    routine: Routine | None

    @property
    def ok(self) -> bool:
        return self.routine is not None and not self.problems

    def messages(self, item: int | None, key: str) -> list[str]:
        """Problems of one field: `item` is an item's index (None: the routine's fields);
        `key` a field name ("hold_seconds", "tempo", "prescriber_name"...; "item" for a
        problem with the item as a whole)."""
        return [message for i, k, message in self.located() if i == item and k == key]

    def located(self) -> list[tuple[int | None, str, str]]:
        """(item index or None, field, message in clinical words) per problem. Problems with
        the id are the name's: the id is made from it."""
        out = []
        for p in self.problems:
            match = _ITEM.match(p.message)
            if match and p.field not in ("id", "name", "description"):
                index: int | None = int(match.group(1)) - 1
                key = p.field or "item"
                message = p.message[match.end():]
            else:
                index, key, message = None, p.field or "name", p.message
                if key == "prescriber":
                    key = "prescriber_contact" if "contact" in message else "prescriber_name"
                elif key == "id":
                    key = "name"
            out.append((index, key, clinical(index, key, message)))
        return out


#: How a number field is counted in a message ("Use 1 to 100 reps.").
_UNITS = {
    "sessions_per_week": "sessions a week", "weeks": "weeks", "reps": "reps", "sets": "sets",
}
#: What a text field is called in a message about its length.
_TEXT_NAMES = {
    "name": "the name", "description": "the description", "note": "the note",
    "prescriber_name": "the physiotherapist's name", "prescriber_contact": "the contact",
}
_AT_MOST = re.compile(r"at most (\d+)")


def clinical(index: int | None, key: str, message: str) -> str:
    """A loader message about a routine field (`index` None) or an item's field, in the words
    of the editor's form: one short sentence, no file syntax."""
    if "do not apply to a timed activity" in message:
        return "A timed exercise has no reps or sets."
    if "one way of timing" in message:
        return "Give a hold or a tempo, not both."
    if key in RANGES or key == "tempo":
        lo, hi = RANGES["tempo.seconds" if key == "tempo" else key]
        if key == "weeks":
            return f"Use {lo:g} to {hi:g} weeks, or leave it empty."
        if key == "tempo":
            return f"Use {lo:g} to {hi:g} seconds for each part."
        whole = "a whole number: " if key in INTEGER_KEYS and "whole" in message else ""
        return f"Use {whole}{lo:g} to {hi:g} {_UNITS.get(key, 'seconds')}."
    at_most = _AT_MOST.search(message)
    if at_most and "too long" in message and key in _TEXT_NAMES:
        return f"Keep {_TEXT_NAMES[key]} to {at_most.group(1)} characters or fewer."
    if index is None and key == "name":
        if "must be lowercase" in message:
            return "Use at least one letter or number in the name."
        if "already used" in message:
            return "Another routine has this name."
        return "Give the routine a name."
    if key == "description":
        return "Describe the routine in a sentence."
    if key == "prescriber_name":
        return "Add the physiotherapist's name."
    if key == "first_side":
        return "Choose each side in turn first."
    if index is None and key == "item":
        if at_most:
            return f"A routine can have at most {at_most.group(1)} exercises."
        return "Add at least one exercise."
    if key == "item" and "does not exist" in message:
        return "No longer in the catalogue: remove it."
    # Anything else (a combination the form does not offer): the loader's words, as a sentence.
    text = message.split(": ", 1)[-1] if message.startswith("item ") else message
    return text[:1].upper() + text[1:].rstrip(".") + "."


class RoutineDraft:
    """A mutable routine with undo. `subscribe(callback)` is told after every change."""

    def __init__(self, catalogue: Catalogue, *, assets_dir: Path,
                 replaces: str | None = None) -> None:
        self.catalogue = catalogue
        self.assets_dir = assets_dir
        #: The id of the routine being edited in place (its file is replaced on save).
        self.replaces = replaces
        self.fields: dict[str, str] = {key: "" for key in ROUTINE_FIELDS}
        self.fields["sessions_per_week"] = "3"
        self.fields["rest_between_seconds"] = "15"
        self.items: list[DraftItem] = []
        self.id_follows_name = True
        #: Routine fields the person has typed in ("item": an exercise was removed).
        self.touched: set[str] = set()
        #: Every message is shown (asked to save with problems left).
        self.revealed = False
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._merging = False
        self._listeners: list[Callable[[], None]] = []
        self._check: Check | None = None
        self._saved = self._state()

    # --- starting points ------------------------------------------------------------------

    @classmethod
    def new(cls, catalogue: Catalogue, *, assets_dir: Path) -> RoutineDraft:
        draft = cls(catalogue, assets_dir=assets_dir)
        draft.fields["id"] = draft._free_id("routine")
        draft.mark_saved()
        return draft

    @classmethod
    def from_routine(cls, routine: Routine, catalogue: Catalogue, *, assets_dir: Path,
                     in_place: bool) -> RoutineDraft:
        """Edit `routine`: in place (same id, replaces it on save) when the app owns its file,
        else as a copy under a new id, so the original is never overwritten."""
        draft = cls(catalogue, assets_dir=assets_dir, replaces=routine.id if in_place else None)
        f = draft.fields
        f["name"] = routine.name
        f["description"] = routine.description
        f["sessions_per_week"] = _text(routine.sessions_per_week)
        f["weeks"] = _text(routine.weeks)
        f["rest_between_seconds"] = _text(routine.rest_between_seconds)
        if routine.prescriber is not None:
            f["prescriber_name"] = routine.prescriber.name
            f["prescriber_contact"] = routine.prescriber.contact
        if routine.affected_side is not None:
            f["affected_side"] = routine.affected_side.value + (
                "-only" if routine.affected_side_only else "")
        f["id"] = routine.id if in_place else draft._free_id(routine.id)
        draft.id_follows_name = not in_place  # a copy is named anew; a saved one keeps its id
        for item in routine.items:
            d = draft._new_item(item.exercise_id)
            for key, value in item.overrides.items():
                if key == "tempo":
                    d.tempo = [_text(p.seconds) for p in value]
                    d.tempo_parts = [(p.name, p.cue) for p in value]
                elif key in ITEM_NUMBERS or key in ("relax_seconds", "prepare_seconds"):
                    d.values[key] = _text(value)
                else:
                    d.values[key] = dose_value(key, value)
            d.note = item.note
            draft.items.append(d)
        draft.mark_saved()
        return draft

    # --- listening --------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def _changed(self) -> None:
        self._check = None
        for callback in list(self._listeners):
            callback()

    # --- reading ----------------------------------------------------------------------------

    def exercise(self, index: int) -> Exercise | None:
        return self.catalogue.exercises.get(self.items[index].exercise_id)

    def shown(self, index: int | None, key: str) -> list[str]:
        """The messages of one field that are to be shown: once the person has typed in it
        (or removed an exercise, for the routine's "item"), or after `reveal()`."""
        if not self.revealed:
            touched = self.touched if index is None else self.items[index].touched
            # An item's own problem (a combination of its fields) shows once any is typed in.
            if key not in touched and not (index is not None and key == "item" and touched):
                return []
        return self.check().messages(index, key)

    def reveal(self) -> None:
        """Show every message from now on (the person asked to save)."""
        if not self.revealed:
            self.revealed = True
            self._changed()

    def item_value(self, index: int, key: str) -> str:
        """A field of an item as typed ("" when the exercise's own value is used)."""
        item = self.items[index]
        if key == "note":
            return item.note
        value = item.values.get(key, "")
        return value if isinstance(value, str) else _text(value)

    # --- operations -------------------------------------------------------------------------

    def add(self, exercise_id: str, index: int | None = None) -> int:
        """Add an exercise (at the end, or at `index`); returns where it went."""
        ex = self.catalogue.exercises.get(exercise_id)
        self._begin(f"Add {ex.name if ex else exercise_id}")
        at = len(self.items) if index is None else max(0, min(index, len(self.items)))
        self.items.insert(at, self._new_item(exercise_id))
        self._changed()
        return at

    def remove(self, index: int) -> None:
        self._begin(f"Remove {self._item_name(index)}")
        del self.items[index]
        self.touched.add("item")
        self._changed()

    def move(self, index: int, to: int) -> int:
        """Move the item at `index` to position `to` (clamped); returns where it went."""
        to = max(0, min(to, len(self.items) - 1))
        if to == index or not 0 <= index < len(self.items):
            return index
        self._begin(f"Move {self._item_name(index)}")
        self.items.insert(to, self.items.pop(index))
        self._changed()
        return to

    def move_up(self, index: int) -> int:
        return self.move(index, index - 1)

    def move_down(self, index: int) -> int:
        return self.move(index, index + 1)

    def set_field(self, key: str, text: str) -> None:
        """A routine field as typed. The id follows the name until it is typed itself."""
        if key not in ROUTINE_FIELDS:
            raise KeyError(key)
        if self.fields[key] == text:
            return
        self._begin(f"Edit {key.replace('_', ' ')}", merge_key=(None, key))
        self.fields[key] = text
        self.touched.add(key)
        if key == "id":
            self.id_follows_name = False
        elif key == "name" and self.id_follows_name:
            self.fields["id"] = self._free_id(slug(text))
        self._changed()

    def set_item_field(self, index: int, key: str, value: str) -> None:
        """An item's dose field or note, as typed ("" = the exercise's own value)."""
        item = self.items[index]
        if key != "note" and key not in ITEM_NUMBERS and key not in ITEM_CHOICES:
            raise KeyError(key)
        if self.item_value(index, key) == value:
            return
        self._begin(f"Edit {key.replace('_', ' ')} of {self._item_name(index)}",
                    merge_key=(index, key))
        item.touched.add(key)
        if key == "note":
            item.note = value
        elif value == "":
            item.values.pop(key, None)
        else:
            item.values[key] = value
        self._changed()

    def set_tempo_seconds(self, index: int, part: int, text: str) -> None:
        """Seconds of one tempo part ("" = the exercise's own for that part)."""
        item = self.items[index]
        current = item.tempo[part] if item.tempo is not None else ""
        if current == text:
            return
        self._begin(f"Edit tempo of {self._item_name(index)}", merge_key=(index, f"tempo{part}"))
        item.touched.add("tempo")
        if item.tempo is None:
            item.tempo = [""] * len(item.tempo_parts)
        item.tempo[part] = text
        if not any(item.tempo):
            item.tempo = None
        self._changed()

    # --- undo -------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    @property
    def modified(self) -> bool:
        """Changed since it was opened or last saved."""
        return self._state() != self._saved

    def mark_saved(self) -> None:
        self._saved = self._state()

    def saved_as(self, routine_id: str) -> None:
        """The routine was saved under `routine_id`: later saves replace it, and the id no
        longer follows the name (the history of the routine is kept under it)."""
        self.replaces = routine_id
        self.fields["id"] = routine_id
        self.id_follows_name = False
        self.mark_saved()

    def undo(self) -> None:
        if not self._undo:
            return
        step = self._undo.pop()
        self._redo.append(dataclasses.replace(step, before=self._state()))
        self._restore(step.before)

    def redo(self) -> None:
        if not self._redo:
            return
        step = self._redo.pop()
        self._undo.append(dataclasses.replace(step, before=self._state()))
        self._restore(step.before)

    def _begin(self, label: str, merge_key: tuple[int | None, str] | None = None) -> None:
        """Record the state before a change (typing on in one field extends the last step)."""
        last = self._undo[-1] if self._undo else None
        if not (self._merging and merge_key is not None and last is not None
                and last.merge_key == merge_key):
            self._undo.append(_Step(label, self._state(), merge_key))
        self._merging = merge_key is not None
        self._redo.clear()

    def _state(self) -> _State:
        return _State(dict(self.fields), copy.deepcopy(self.items), self.id_follows_name)

    def _restore(self, state: _State) -> None:
        self.fields = dict(state.fields)
        self.items = copy.deepcopy(state.items)
        self.id_follows_name = state.id_follows_name
        self._merging = False
        self._changed()

    # --- checking ---------------------------------------------------------------------------

    def table(self) -> dict[str, Any]:
        """The draft as a `[[routine]]` table (typed text that is not a number stays text,
        so the loader names the problem)."""
        f = self.fields
        table: dict[str, Any] = {"id": f["id"].strip(), "name": f["name"],
                                 "description": f["description"]}
        for key in ("sessions_per_week", "weeks", "rest_between_seconds"):
            if f[key].strip():
                table[key] = _value(f[key])
        name, contact = f["prescriber_name"], f["prescriber_contact"]
        if name.strip() or contact.strip():
            prescriber: dict[str, Any] = {"name": name}
            if contact.strip():
                prescriber["contact"] = contact
            table["prescriber"] = prescriber
        side = f["affected_side"]
        if side:
            table["affected_side"] = side.removesuffix("-only")
            if side.endswith("-only"):
                table["affected_side_only"] = True
        if self.items:  # none: the loader says the routine needs one
            table["item"] = [self._item_table(item) for item in self.items]
        return table

    def _item_table(self, item: DraftItem) -> dict[str, Any]:
        table: dict[str, Any] = {"exercise": item.exercise_id}
        for key in DOSE_KEYS:
            if key == "tempo":
                if item.tempo is not None:
                    table["tempo"] = self._tempo_table(item)
                continue
            value = item.values.get(key)
            if value is None or value == "":
                continue
            table[key] = _value(value) if isinstance(value, str) and key not in ITEM_CHOICES \
                else value
        if item.note.strip():
            table["note"] = item.note
        return table

    def _tempo_table(self, item: DraftItem) -> list[dict[str, Any]]:
        ex = self.catalogue.exercises.get(item.exercise_id)
        own = {p.name: p for p in (ex.dose.tempo if ex else ())}
        parts = []
        for (name, cue), text in zip(item.tempo_parts, item.tempo or (), strict=False):
            default = own.get(name)
            seconds = _value(text) if text.strip() else (default.seconds if default else "")
            part: dict[str, Any] = {"name": name, "seconds": seconds}
            if cue is not None:
                part["cue"] = cue
            parts.append(part)
        return parts

    def text(self) -> str:
        """The draft as a catalogue file (routine only), as the loader will read it."""
        return tomli_w.dumps({"schema": SCHEMA_VERSION, "routine": [self.table()]})

    def check(self) -> Check:
        """Validate with the catalogue loader against the catalogue in use (cached)."""
        if self._check is None:
            self._check = self._run_check()
        return self._check

    def _run_check(self) -> Check:
        parsed = parse_text(self.text(), assets_dir=self.assets_dir, name=DRAFT_NAME)
        merged = merge([*_as_files(self.catalogue, skip_routine=self.replaces), parsed])
        problems = tuple(p for p in merged.problems if p.file == DRAFT_NAME)
        routine = merged.routines.get(self.fields["id"].strip())
        if routine is None or routine.origin != DRAFT_NAME or problems or not routine.usable:
            return Check(problems, None)
        return Check(problems, dataclasses.replace(routine, origin="", line=None))

    # --- helpers ----------------------------------------------------------------------------

    def _new_item(self, exercise_id: str) -> DraftItem:
        ex = self.catalogue.exercises.get(exercise_id)
        parts = [(p.name, p.cue) for p in ex.dose.tempo] if ex else []
        return DraftItem(exercise_id=exercise_id, tempo_parts=parts)

    def _item_name(self, index: int) -> str:
        ex = self.exercise(index)
        return ex.name if ex else self.items[index].exercise_id

    def _free_id(self, wanted: str) -> str:
        taken = {r for r in self.catalogue.routines if r != self.replaces}
        return unique_id(wanted, taken)[0]

    def tempo_defaults(self, index: int) -> list[TempoPhase]:
        ex = self.exercise(index)
        return list(ex.dose.tempo) if ex else []


def _as_files(catalogue: Catalogue, *, skip_routine: str | None) -> list[ParsedFile]:
    """The catalogue in use as already-checked files, one per origin, so a clash names the
    real file and line."""
    files: dict[str, ParsedFile] = {}

    def file(origin: str) -> ParsedFile:
        if origin not in files:
            files[origin] = ParsedFile(path=Path(origin or "catalogue"), name=origin)
        return files[origin]

    for ex in catalogue.exercises.values():
        file(ex.origin).exercises.append(ex)
    for routine in catalogue.routines.values():
        if routine.id != skip_routine:
            file(routine.origin).routines.append((routine, []))
    return list(files.values())


def _value(text: str) -> Any:
    """Typed text as a number when it is one; otherwise the text (the loader says why)."""
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped):
        try:
            return int(stripped)
        except ValueError:  # more digits than Python turns into an int (4300 by default)
            return text
    try:
        number = float(stripped)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
