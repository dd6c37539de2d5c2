"""Prescription files: a routine and the exercises it needs, as a schema-1 catalogue file.

A physiotherapist exports a routine ("Export for patient"); the patient's copy of the app opens
the file, which the catalogue loader validates like any other, and adds the routine. This
module is the plain-Python half of that: writing the file, reading it back with the loader's
own rules, deciding what a clash of routine ids means, and keeping the routines a person has
added in one folder.

The file (docs/catalogue.md, "Prescriptions"):

- `schema = 1`, then the `[[exercise]]` tables the routine needs that are not in the default
  catalogue (an exercise's `easier` one included), then the `[[routine]]` with its items;
- written by `tomli_w` from tables built here in a fixed key order, so exporting the same routine
  twice gives the same bytes; no date, no machine name;
- exercise doses hold only what differs from the defaults (plus the way of timing it), routine
  items exactly their overrides, so reading the file back gives the same routine.

The folder (`<data dir>/prescriptions/`): one file per routine, `<routine id>.toml`, each file
complete on its own (the routine and every non-default exercise it uses). The app writes these
files and nothing else: the default catalogue and the person's own `catalogue.toml` are never
rewritten. A routine from the folder can be replaced; one from elsewhere cannot, so a clash
with it is resolved by keeping both (the new one under a new id).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from coach.core.atomic_file import replacing
from coach.core.catalogue import (
    DOSE_KEYS,
    SCHEMA_VERSION,
    FileStatus,
    ParsedFile,
    merge,
    parse_file,
)
from coach.core.errors import KnownError
from coach.core.models import (
    Catalogue,
    Dose,
    Exercise,
    Problem,
    Routine,
    RoutineItem,
    Side,
    Sides,
    TempoPhase,
)

HEADER = (
    "# A Physio Coach prescription: a routine and the exercises it needs.\n"
    "# Open it in Physio Coach (File > Open prescription...), or check it with\n"
    "# `coach validate FILE`. The format is docs/catalogue.md, schema 1.\n"
    "\n"
)
SUFFIX = ".toml"
#: What an exported prescription is called, ROUTINE-ID.physio.toml: the name the desktop's
#: file type for prescriptions matches (coach.desktop), so the file opens in Physio Coach.
EXPORT_SUFFIX = ".physio" + SUFFIX
#: Problems in a file being opened are located in its name; the rest of the catalogue in this.
INSTALLED = "installed exercises"

_DEFAULT_DOSE = Dose()
_SLUG = re.compile(r"[^a-z0-9]+")


# --- the library: where routines come from -------------------------------------------------


@dataclass(frozen=True)
class Library:
    """The catalogue files of one installation, in load order (see `coach.catalogue_files`).

    `default` is the shipped catalogue, `user` the person's own `catalogue.toml` (read, never
    written), `folder` the prescriptions folder the app writes.
    """

    default: Path
    folder: Path
    assets_dir: Path
    user: Path | None = None

    def owns(self, origin: str) -> bool:
        """True when a routine or exercise loaded from `origin` lives in the folder."""
        if not origin:
            return False
        return Path(origin).parent.resolve() == self.folder.resolve()

    def folder_files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*" + SUFFIX) if p.is_file())

    def parse_base(self) -> list[ParsedFile]:
        """The default catalogue and the user's own, parsed."""
        files = [self.default]
        if self.user is not None and self.user.is_file():
            files.append(self.user)
        return [parse_file(p, assets_dir=self.assets_dir) for p in files]

    def parse_folder(self, before: Sequence[ParsedFile]) -> list[ParsedFile]:
        return parse_folder(self.folder_files(), assets_dir=self.assets_dir, before=before)

    def load(self, extra: Sequence[Path] = ()) -> Catalogue:
        """The default catalogue, the user's own, the folder, then the `extra` files (those
        named with `--catalogue`, loaded for one run)."""
        base = self.parse_base()
        named = [parse_file(p, assets_dir=self.assets_dir) for p in extra]
        return merge([*base, *self.parse_folder(base), *named])

    def shipped_ids(self, catalogue: Catalogue) -> set[str]:
        """Ids of exercises that come from the default catalogue (every copy of the app has
        them, so a prescription leaves them out)."""
        default = self.default.resolve()
        return {ex.id for ex in catalogue.exercises.values()
                if ex.origin and Path(ex.origin).resolve() == default}


def parse_folder(files: Iterable[Path], *, assets_dir: Path,
                 before: Sequence[ParsedFile]) -> list[ParsedFile]:
    """Parse the prescriptions folder's files, in name order.

    Each file carries its own copy of the non-default exercises its routine uses, so two files
    often define the same exercise. A copy identical to one already loaded is dropped quietly
    (nothing is replaced: it is the same exercise); a different one stays, and the loader
    reports the clash as it does for any file.
    """
    seen: dict[str, Exercise] = {}
    for pf in before:
        for ex in pf.exercises:
            seen.setdefault(ex.id, ex)
    out = []
    for path in files:
        pf = parse_file(path, assets_dir=assets_dir)
        kept = []
        for ex in pf.exercises:
            known = seen.get(ex.id)
            if known is not None and same_exercise(known, ex):
                continue
            seen.setdefault(ex.id, ex)
            kept.append(ex)
        pf.exercises = kept
        out.append(pf)
    return out


# --- comparing ------------------------------------------------------------------------------


def same_exercise(a: Exercise, b: Exercise) -> bool:
    """Equal in everything but where they were read from."""
    return dataclasses.replace(a, origin="", line=None) == dataclasses.replace(
        b, origin="", line=None)


def same_routine(a: Routine, b: Routine) -> bool:
    """Equal in everything but where they were read from."""
    return dataclasses.replace(a, origin="", line=None) == dataclasses.replace(
        b, origin="", line=None)


# --- writing ---------------------------------------------------------------------------------


def _number(value: float) -> int | float:
    """Whole numbers as integers ("30", not "30.0"), others as they are."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def tempo_table(tempo: Sequence[TempoPhase]) -> list[dict[str, Any]]:
    parts = []
    for phase in tempo:
        part: dict[str, Any] = {"name": phase.name, "seconds": _number(phase.seconds)}
        if phase.cue is not None:
            part["cue"] = phase.cue
        parts.append(part)
    return parts


def dose_value(key: str, value: Any) -> Any:
    """One dose field as TOML wants it (enums as their text, tempo as a list of tables)."""
    if key == "tempo":
        return tempo_table(value)
    if isinstance(value, Sides | Side):
        return value.value
    if isinstance(value, bool):
        return value
    return _number(value)


def exercise_dose_table(dose: Dose) -> dict[str, Any]:
    """What differs from the default dose, plus `first_side` whenever sides are "each"."""
    out: dict[str, Any] = {}
    for key in DOSE_KEYS:
        value = getattr(dose, key)
        if key == "first_side":
            if dose.sides is Sides.EACH:
                out[key] = dose_value(key, value)
            continue
        if value != getattr(_DEFAULT_DOSE, key):
            out[key] = dose_value(key, value)
    return out


def exercise_table(ex: Exercise, *, assets_dir: Path) -> dict[str, Any]:
    """An `[[exercise]]` table that the loader reads back as an equal exercise."""
    table: dict[str, Any] = {
        "id": ex.id, "name": ex.name, "category": ex.category.value, "summary": ex.summary,
        "position": ex.position.value,
    }
    if ex.equipment:
        table["equipment"] = list(ex.equipment)
    table["steps"] = list(ex.steps)
    table.update(exercise_dose_table(ex.dose))
    if ex.cautions:
        table["cautions"] = list(ex.cautions)
    if ex.stop_if:
        table["stop_if"] = list(ex.stop_if)
    image = image_path(ex.image, assets_dir)
    if image is not None:
        table["image"] = image
    if ex.sources:
        table["sources"] = list(ex.sources)
    if ex.easier is not None:
        table["easier"] = ex.easier
    if ex.harder is not None:
        table["harder"] = ex.harder
    if ex.old_ids:
        table["old_ids"] = list(ex.old_ids)
    if ex.progression:
        table["progression"] = [
            {k: _number(step[k]) for k in DOSE_KEYS if k in step} for step in ex.progression]
    if ex.cues:
        table["cues"] = {key: ex.cues[key] for key in sorted(ex.cues)}
    return table


def image_path(image: Path | None, assets_dir: Path) -> str | None:
    """The image as the catalogue writes it: a path under assets/ with forward slashes."""
    if image is None:
        return None
    for root in (Path(os.path.realpath(assets_dir)), Path(os.path.abspath(assets_dir))):
        try:
            return Path(image).relative_to(root).as_posix()
        except ValueError:
            continue
    return None


def item_table(item: RoutineItem) -> dict[str, Any]:
    table: dict[str, Any] = {"exercise": item.exercise_id}
    for key in DOSE_KEYS:
        if key in item.overrides:
            table[key] = dose_value(key, item.overrides[key])
    if item.note:
        table["note"] = item.note
    return table


def routine_table(routine: Routine) -> dict[str, Any]:
    """A `[[routine]]` table with its items, in the order docs/catalogue.md lists the keys."""
    table: dict[str, Any] = {
        "id": routine.id, "name": routine.name, "description": routine.description,
        "sessions_per_week": routine.sessions_per_week,
    }
    if routine.weeks is not None:
        table["weeks"] = routine.weeks
    table["rest_between_seconds"] = _number(routine.rest_between_seconds)
    if routine.prescriber is not None:
        table["prescriber"] = {"name": routine.prescriber.name}
        if routine.prescriber.contact:
            table["prescriber"]["contact"] = routine.prescriber.contact
    if routine.affected_side is not None:
        table["affected_side"] = routine.affected_side.value
        if routine.affected_side_only:
            table["affected_side_only"] = True
    table["item"] = [item_table(item) for item in routine.items]
    return table


def document_text(document: Mapping[str, Any]) -> str:
    """A catalogue document (as built by `prescription_text`) as TOML text, header first."""
    import tomli_w  # only when writing: not at start-up

    return HEADER + tomli_w.dumps(dict(document))


def prescription_text(routines: Sequence[Routine], exercises: Sequence[Exercise], *,
                      assets_dir: Path) -> str:
    """The file: the header, `schema = 1`, the exercises, then the routines."""
    document: dict[str, Any] = {"schema": SCHEMA_VERSION}
    if exercises:
        document["exercise"] = [exercise_table(ex, assets_dir=assets_dir) for ex in exercises]
    if routines:
        document["routine"] = [routine_table(r) for r in routines]
    return document_text(document)


def needed_exercises(catalogue: Catalogue, routines: Iterable[Routine],
                     shipped: Collection[str]) -> list[Exercise]:
    """The exercises the routines use that are not shipped, in order of first use, each
    followed by the gentler and the harder exercise it names (`easier`, `harder`) when those
    are not shipped either."""
    out: dict[str, Exercise] = {}

    def add(exercise_id: str | None) -> None:
        if exercise_id is None or exercise_id in shipped or exercise_id in out:
            return
        ex = catalogue.exercises.get(exercise_id)
        if ex is None:
            return
        out[ex.id] = ex
        add(ex.easier)
        add(ex.harder)

    for routine in routines:
        for item in routine.items:
            add(item.exercise_id)
    return list(out.values())


def export_prescription(catalogue: Catalogue, routine: Routine, *, shipped: Collection[str],
                        assets_dir: Path) -> str:
    """"Export for patient": the routine and the non-shipped exercises it needs.

    Raises `KnownError` for a routine that cannot run (the patient could not use the file).
    """
    if not routine.usable:
        raise KnownError(f"The routine '{routine.name}' cannot be exported: "
                         f"{routine.unusable_reason}")
    missing = [i.exercise_id for i in routine.items if i.exercise_id not in catalogue.exercises]
    if missing:
        raise KnownError(f"The routine '{routine.name}' cannot be exported: it uses "
                         f"exercise '{missing[0]}', which is not in the catalogue.")
    return prescription_text([routine], needed_exercises(catalogue, [routine], shipped),
                             assets_dir=assets_dir)


def write_atomically(path: Path, text: str) -> None:
    """Write beside the final name, then rename: an existing file is replaced only by a
    complete one, with the permissions the umask gives (the file is made to be shared).
    Raises `KnownError` when the file cannot be written."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path, newline="\n", shared=True) as f:
            f.write(text)
    except OSError as e:
        raise KnownError(f"{path} could not be written: {e.strerror or e}.") from e


# --- ids -------------------------------------------------------------------------------------


def slug(text: str, fallback: str = "routine") -> str:
    """An id from a name: "Back care (week 2)" -> "back-care-week-2"."""
    value = _SLUG.sub("-", text.casefold()).strip("-")[:60].strip("-")
    return value or fallback


def unique_id(ident: str, taken: Collection[str]) -> tuple[str, int]:
    """`ident` if free, else `ident-2`, `ident-3`...; with the number used (1 when free)."""
    if ident not in taken:
        return ident, 1
    n = 2
    while f"{ident}-{n}" in taken:
        n += 1
    return f"{ident}-{n}", n


# --- opening a prescription ------------------------------------------------------------------


class Choice(StrEnum):
    """What to do when an opened routine has the id of one already there."""

    REPLACE = "replace"
    KEEP_BOTH = "keep-both"


@dataclass(frozen=True)
class Collision:
    """An opened routine whose id is taken by a different routine."""

    incoming: Routine
    existing: Routine
    #: The existing routine lives in the prescriptions folder, so the app may replace it.
    replaceable: bool
    #: "Keep both" adds the opened routine under this id and name.
    new_id: str
    new_name: str

    def kept_both(self) -> Routine:
        return dataclasses.replace(self.incoming, id=self.new_id, name=self.new_name)


@dataclass
class OpenedPrescription:
    """What a file offers, checked against the catalogue in use. Nothing is written yet."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    #: Usable routines with new ids, ready to add.
    new: list[Routine] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    #: Routines identical to ones already there: nothing to do.
    unchanged: list[Routine] = field(default_factory=list)
    #: Routines that cannot run (their reasons are among the problems); never added.
    unusable: list[Routine] = field(default_factory=list)
    #: The file's own exercises, and the catalogue's, for resolving the routines' items.
    exercises: dict[str, Exercise] = field(default_factory=dict)
    #: The file's exercises (for a file with exercises and no routine).
    own_exercises: list[Exercise] = field(default_factory=list)
    readable: bool = True

    @property
    def addable(self) -> bool:
        """Something can be added (possibly after a collision choice)."""
        return bool(self.new or self.collisions or (self.own_exercises and not self.routines))

    @property
    def routines(self) -> list[Routine]:
        return [*self.new, *(c.incoming for c in self.collisions), *self.unchanged,
                *self.unusable]


def open_prescription(path: Path, catalogue: Catalogue, library: Library) -> OpenedPrescription:
    """Read and validate `path` with the loader's rules, against the exercises in use.

    Problems are the loader's, located in the file's name. A routine whose id is taken by an
    identical routine is "unchanged"; by a different one, a `Collision` for the user to decide.
    """
    path = Path(path)
    opened = OpenedPrescription(path=path)
    pf = parse_file(path, assets_dir=library.assets_dir, name=path.name)
    if pf.status is FileStatus.UNREADABLE or (pf.problems and not pf.exercises
                                              and not pf.routines):
        opened.readable = pf.status is not FileStatus.UNREADABLE
        opened.problems = list(pf.problems)
        return opened
    # The file's own exercises come first, so its routines are checked against what the
    # physiotherapist sent; the catalogue's fill in the rest (the shipped exercises).
    installed = ParsedFile(path=Path(INSTALLED), name=INSTALLED,
                           exercises=list(catalogue.exercises.values()))
    checked = merge([ParsedFile(path=pf.path, name=pf.name, status=pf.status,
                                exercises=pf.exercises, problems=pf.problems,
                                broken_exercise_ids=pf.broken_exercise_ids), installed,
                     ParsedFile(path=pf.path, name=pf.name, routines=pf.routines)])
    opened.problems = sorted((p for p in checked.problems if p.file == pf.name),
                             key=lambda p: p.order)
    opened.exercises = dict(checked.exercises)
    opened.own_exercises = list(pf.exercises)
    incoming_ids = {r.id for r, _ in pf.routines}
    taken = set(catalogue.routines) | incoming_ids
    for routine in checked.routines.values():
        routine = dataclasses.replace(routine, origin=str(path))
        existing = catalogue.routines.get(routine.id)
        if not routine.usable:
            opened.unusable.append(routine)
        elif existing is None:
            opened.new.append(routine)
        elif same_routine(existing, routine) and _same_exercises(routine, opened.exercises,
                                                                 catalogue):
            opened.unchanged.append(routine)
        else:
            new_id, n = unique_id(routine.id, taken)
            taken.add(new_id)
            opened.collisions.append(Collision(
                incoming=routine, existing=existing, replaceable=library.owns(existing.origin),
                new_id=new_id, new_name=f"{routine.name} ({n})"))
    return opened


def _same_exercises(routine: Routine, incoming: Mapping[str, Exercise],
                    catalogue: Catalogue) -> bool:
    for item in routine.items:
        mine, theirs = incoming.get(item.exercise_id), catalogue.exercises.get(item.exercise_id)
        if mine is None or theirs is None or not same_exercise(mine, theirs):
            return False
    return True


@dataclass(frozen=True)
class Installed:
    """What opening (or saving) added: routine ids in the catalogue, files written/removed."""

    routine_ids: tuple[str, ...] = ()
    written: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()


def install(opened: OpenedPrescription, choices: Mapping[str, Choice], catalogue: Catalogue,
            library: Library) -> Installed:
    """Add the opened routines to the folder: new ones, and each collision as chosen.

    `choices` maps a colliding routine's id to REPLACE or KEEP_BOTH; a collision without a
    choice is left out (the user cancelled it). REPLACE on a routine the app does not own
    raises ValueError (the prompt never offers it). A file with exercises and no routine adds
    its exercises.
    """
    add: list[Routine] = list(opened.new)
    replaced: list[Routine] = []
    for c in opened.collisions:
        choice = choices.get(c.incoming.id)
        if choice is Choice.REPLACE:
            if not c.replaceable:
                raise ValueError(f"routine '{c.existing.id}' is not in the prescriptions folder")
            add.append(c.incoming)
            replaced.append(c.existing)
        elif choice is Choice.KEEP_BOTH:
            add.append(c.kept_both())
    if not add and opened.routines:
        return Installed()
    return _write_routines(add, replaced, opened.exercises, catalogue, library,
                           loose=[] if opened.routines else opened.own_exercises,
                           loose_name=opened.path.stem)


def save_routine(routine: Routine, catalogue: Catalogue, library: Library, *,
                 replaces: str | None = None) -> Installed:
    """The editor's Save: the routine into the folder, as its own file.

    `replaces` is the id the routine had when editing began; when that routine lives in the
    folder it is removed (its file deleted, or rewritten without it), so renaming works.
    A routine with the id of a different routine elsewhere is refused (the editor's
    validation says so first).
    """
    replaced = []
    if replaces is not None:
        old = catalogue.routines.get(replaces)
        if old is not None and library.owns(old.origin):
            replaced.append(old)
    clash = catalogue.routines.get(routine.id)
    if clash is not None and clash not in replaced:
        raise KnownError(f"A routine with the id '{routine.id}' already exists "
                         f"({clash.name}); give this one another id.")
    return _write_routines([routine], replaced, catalogue.exercises, catalogue, library)


def _write_routines(add: Sequence[Routine], replaced: Sequence[Routine],
                    exercises: Mapping[str, Exercise], catalogue: Catalogue, library: Library,
                    *, loose: Sequence[Exercise] = (), loose_name: str = "") -> Installed:
    written, removed = _remove_from_files(replaced, catalogue, library)
    # What stays defined once the replaced routines are gone: the base and the folder as it
    # is now (their files deleted, or rewritten without them).
    remaining = library.load()
    shipped = library.shipped_ids(remaining)
    taken_files = {p.name for p in library.folder_files()} - {p.name for p in removed}
    added_ids = []
    for routine in add:
        routine, own = _own_exercises(routine, exercises, remaining, shipped)
        name = _file_name(routine.id, taken_files)
        taken_files.add(name)
        target = library.folder / name
        write_atomically(target, prescription_text([routine], own,
                                                   assets_dir=library.assets_dir))
        written.append(target)
        added_ids.append(routine.id)
        for ex in own:
            remaining.exercises.setdefault(ex.id, ex)
    if loose:
        fresh = [ex for ex in loose if not (ex.id in remaining.exercises
                                            and same_exercise(remaining.exercises[ex.id], ex))]
        if fresh:
            name = _file_name(slug(loose_name, "exercises"), taken_files)
            target = library.folder / name
            write_atomically(target, prescription_text([], fresh,
                                                       assets_dir=library.assets_dir))
            written.append(target)
    return Installed(routine_ids=tuple(added_ids), written=tuple(written),
                     removed=tuple(removed))


def _file_name(ident: str, taken: Collection[str]) -> str:
    stems = {Path(n).stem for n in taken}
    stem, _ = unique_id(ident, stems)
    return stem + SUFFIX


def _own_exercises(routine: Routine, exercises: Mapping[str, Exercise],
                   remaining: Catalogue, shipped: Collection[str]
                   ) -> tuple[Routine, list[Exercise]]:
    """The non-shipped exercises the routine needs, from `exercises` (the file's, then the
    catalogue's). One whose id is already defined differently elsewhere is added under a new
    id, and the routine's items follow it, so nothing already there changes."""
    pool = Catalogue(exercises=dict(exercises))
    needed = needed_exercises(pool, [routine], shipped)
    renames: dict[str, str] = {}
    taken = set(remaining.exercises) | set(pool.exercises)
    for ex in needed:
        there = remaining.exercises.get(ex.id)
        if there is not None and not same_exercise(there, ex):
            new_id, _ = unique_id(ex.id, taken)
            taken.add(new_id)
            renames[ex.id] = new_id
    if not renames:
        return routine, needed
    own = [dataclasses.replace(ex, id=renames.get(ex.id, ex.id),
                               easier=renames.get(ex.easier, ex.easier) if ex.easier else None,
                               harder=renames.get(ex.harder, ex.harder) if ex.harder else None)
           for ex in needed]
    items = tuple(dataclasses.replace(i, exercise_id=renames.get(i.exercise_id, i.exercise_id))
                  for i in routine.items)
    return dataclasses.replace(routine, items=items), own


def _remove_from_files(routines: Sequence[Routine], catalogue: Catalogue,
                       library: Library) -> tuple[list[Path], list[Path]]:
    """Delete the folder files that held only these routines; rewrite the others without them.
    Returns (rewritten, deleted)."""
    by_file: dict[Path, set[str]] = {}
    for r in routines:
        by_file.setdefault(Path(r.origin), set()).add(r.id)
    rewritten, deleted = [], []
    for path, ids in by_file.items():
        pf = parse_file(path, assets_dir=library.assets_dir)
        keep = [r for r, _ in pf.routines if r.id not in ids]
        if not keep:
            try:
                path.unlink(missing_ok=True)
            except OSError as e:
                raise KnownError(f"{path} could not be removed: {e.strerror or e}.") from e
            deleted.append(path)
            continue
        kept = [catalogue.routines.get(r.id, r) for r in keep]
        pool = Catalogue(exercises={**catalogue.exercises,
                                    **{ex.id: ex for ex in pf.exercises}})
        shipped = library.shipped_ids(catalogue)
        write_atomically(path, prescription_text(
            kept, needed_exercises(pool, kept, shipped), assets_dir=library.assets_dir))
        rewritten.append(path)
    return rewritten, deleted
