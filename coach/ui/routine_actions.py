"""Routines and prescriptions in the window: the File menu entries and what they do.

File > New routine…, Edit routine…, Open prescription…, Export for patient…, Print handout…,
Visit report (PDF)…; the same from the Routines tab's buttons and the Progress tab. The routine
editor windows are opened here, and their Save / Export / Print requests carried out. Every
question goes through the prompts seam; the work itself is `coach.core.prescription` (files),
`coach.pdf` (handout and report) and `coach.core.visit`.

The catalogue object is shared by the whole app (the window, the safety flow, sessions), so
after a routine is added or saved it is updated in place and the window is told to re-read it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QWidget

from coach.core.catalogue import problem_count
from coach.core.errors import KnownError
from coach.core.models import Catalogue, Routine
from coach.core.prescription import (
    EXPORT_SUFFIX,
    Choice,
    Library,
    OpenedPrescription,
    export_prescription,
    install,
    open_prescription,
    save_routine,
    write_atomically,
)
from coach.core.words import counted, joined
from coach.ui.prompts import Prompts

if TYPE_CHECKING:
    from coach.core.routine_draft import RoutineDraft
    from coach.storage.history import HistoryStore
    from coach.ui.main_window import MainWindow
    from coach.ui.routine_editor import RoutineEditor

log = logging.getLogger(__name__)

PRESCRIPTION_FILTER = "Prescriptions (*.physio.toml *.toml);;All files (*)"
PDF_FILTER = "PDF documents (*.pdf)"
#: The visit report starts this long ago unless the user picks another day.
REPORT_WEEKS = 6


def replace_contents(target: Catalogue, new: Catalogue) -> None:
    """Make `target` hold what `new` holds, keeping the object everyone refers to."""
    target.exercises.clear()
    target.exercises.update(new.exercises)
    target.routines.clear()
    target.routines.update(new.routines)
    target.problems[:] = new.problems


def default_paper() -> str:
    """Letter where people use it (the United States and Canada...), A4 elsewhere."""
    return "letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem \
        else "a4"


class RoutineActions(QObject):
    def __init__(self, catalogue: Catalogue, library: Library, *, window: MainWindow,
                 prompts: Callable[[], Prompts],
                 history: Callable[[], HistoryStore | None],
                 today: Callable[[], date],
                 extra: Sequence[Path] = (),
                 documents: Path | None = None) -> None:
        super().__init__(window)
        self.catalogue = catalogue
        self.library = library
        self.extra = tuple(extra)  # `--catalogue` files: loaded again with the rest
        self.window = window
        self._prompts = prompts
        self._history = history
        self._today = today
        self.documents = documents or Path.home()
        self.editors: list[RoutineEditor] = []
        window.new_routine.connect(self.new_routine)
        window.edit_routine.connect(self.edit_routine)
        window.export_routine.connect(self.export_routine)
        window.print_routine.connect(self.print_routine)
        window.add_to_routine.connect(self.add_to_editor)
        self._add_menu_actions()

    @property
    def prompts(self) -> Prompts:
        return self._prompts()

    def _add_menu_actions(self) -> None:
        menu = self.window.file_menu
        first = menu.actions()[0] if menu.actions() else None
        self.actions: dict[str, QAction] = {}
        for key, text, slot in (
                ("new", "&New routine…", self.new_routine),
                ("edit", "&Edit routine…", lambda: self._with_selected(self.edit_routine)),
                ("open", "&Open prescription…", lambda: self.open_prescription()),
                ("export", "E&xport for patient…",
                 lambda: self._with_selected(self.export_routine)),
                ("print", "&Print handout…", lambda: self._with_selected(self.print_routine)),
                ("report", "&Visit report (PDF)…", self.visit_report)):
            action = QAction(text, self.window)
            action.triggered.connect(slot)
            menu.insertAction(first, action)  # before Settings, in this order
            self.actions[key] = action
        menu.insertSeparator(first)

    def _with_selected(self, do: Callable[[str], None]) -> None:
        routine_id = self.window.selected_routine_id()
        if routine_id is None:
            self.prompts.warn(self.window, "Choose a routine first (on the Home or Routines "
                                           "tab).")
            return
        do(routine_id)

    def _parent(self) -> QWidget:
        for editor in reversed(self.editors):
            if editor.isActiveWindow():
                return editor
        return self.window

    # --- the editor -------------------------------------------------------------------------

    def new_routine(self) -> RoutineEditor:
        from coach.core.routine_draft import RoutineDraft  # with the editor, not at start-up

        return self._open_editor(RoutineDraft.new(self.catalogue,
                                                  assets_dir=self.library.assets_dir))

    def edit_routine(self, routine_id: str) -> RoutineEditor | None:
        """Edit a routine: in place when the app wrote it, else as a copy under a new id."""
        routine = self.catalogue.routines.get(routine_id)
        if routine is None:
            return None
        for editor in self.editors:
            if editor.draft.replaces == routine_id:
                editor.show()
                editor.raise_()
                editor.activateWindow()
                return editor
        from coach.core.routine_draft import RoutineDraft

        draft = RoutineDraft.from_routine(routine, self.catalogue,
                                          assets_dir=self.library.assets_dir,
                                          in_place=self.library.owns(routine.origin))
        return self._open_editor(draft)

    def _open_editor(self, draft: RoutineDraft) -> RoutineEditor:
        from coach.ui.routine_editor import RoutineEditor

        editor = RoutineEditor(draft, prompts=self.prompts)
        editor.save_requested.connect(lambda routine: self.save(editor, routine))
        editor.export_requested.connect(lambda routine: self.export(routine, parent=editor))
        editor.print_requested.connect(lambda routine: self.print_handout(routine,
                                                                          parent=editor))
        editor.demo_requested.connect(self.window.demo_exercise)
        editor.closed.connect(lambda e=editor: self._editor_gone(e))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.editors.append(editor)
        self.window.add_companion(editor)
        self.window.set_editing(True)
        editor.show()
        return editor

    def _editor_gone(self, editor: RoutineEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)
        self.window.set_editing(bool(self.editors))

    def add_to_editor(self, exercise_id: str) -> None:
        """Exercises tab: "Add to routine" adds to the editor used last."""
        if self.editors:
            editor = self.editors[-1]
            editor.add(exercise_id)
            editor.raise_()
            editor.activateWindow()

    def save(self, editor: RoutineEditor, routine: Routine) -> bool:
        try:
            done = save_routine(routine, self.catalogue, self.library,
                                replaces=editor.draft.replaces)
        except KnownError as e:
            self.prompts.warn(editor, e.message)
            return False
        self.reload(show=routine.id)
        editor.saved(routine.id)
        editor.statusBar().showMessage(f"Saved to {done.written[0]}", 8000)
        log.info("routine %s saved to %s", routine.id, done.written[0])
        return True

    # --- files ------------------------------------------------------------------------------

    def reload(self, show: str | None = None) -> None:
        """Read the catalogue files again (after a change) into the shared catalogue."""
        replace_contents(self.catalogue, self.library.load(self.extra))
        self.window.catalogue_changed(show)

    def export_routine(self, routine_id: str) -> Path | None:
        routine = self.catalogue.routines.get(routine_id)
        return self.export(routine, parent=self._parent()) if routine else None

    def export(self, routine: Routine, *, parent: QWidget) -> Path | None:
        """"Export for patient": the prescription file, where the physio chooses."""
        try:
            text = export_prescription(self.catalogue, routine,
                                       shipped=self.library.shipped_ids(self.catalogue),
                                       assets_dir=self.library.assets_dir)
        except KnownError as e:
            self.prompts.warn(parent, e.message)
            return None
        path = self.prompts.save_file(parent, "Export for patient",
                                      self.documents / f"{routine.id}{EXPORT_SUFFIX}",
                                      PRESCRIPTION_FILTER)
        if path is None:
            return None
        try:
            write_atomically(path, text)
        except KnownError as e:
            self.prompts.warn(parent, e.message)
            return None
        self.prompts.inform(parent, "Prescription saved",
                            f"The routine '{routine.name}' was saved to {path}.\n\nGive this "
                            "file to the patient: in Physio Coach, File > Open prescription… "
                            "adds it (or open the file from the file manager).")
        return path

    def open_prescription(self, path: Path | None = None) -> list[str]:
        """Open a prescription (asked for when `path` is None): show its problems, settle each
        routine id that is already taken, add the rest. Returns the ids added."""
        parent = self._parent()
        if path is None:
            path = self.prompts.open_file(parent, "Open prescription", self.documents,
                                          PRESCRIPTION_FILTER)
            if path is None:
                return []
        opened = open_prescription(path, self.catalogue, self.library)
        if opened.problems:
            self.prompts.problems(
                parent, "Problems in the prescription",
                f"{path.name} has {counted(problem_count(opened.problems), 'problem')}. "
                "Routines with problems are not "
                "added; ask your physiotherapist for a corrected file.", opened.problems)
        if not opened.addable:
            self.prompts.inform(parent, "Open prescription", _nothing_added(opened))
            return []
        choices: dict[str, Choice] = {}
        for c in opened.collisions:
            answer = self.prompts.choose(parent, "This routine is already here",
                                         _collision_text(c.incoming, c.existing, c.replaceable,
                                                         c.new_name),
                                         _collision_options(c.replaceable))
            if answer is not None:
                choices[c.incoming.id] = Choice(answer)
        try:
            done = install(opened, choices, self.catalogue, self.library)
        except KnownError as e:
            self.prompts.warn(parent, e.message)
            return []
        if done.written:
            self.reload(show=done.routine_ids[0] if done.routine_ids else None)
        added = [self.catalogue.routines[r] for r in done.routine_ids
                 if r in self.catalogue.routines]
        # The patient opened it to do it: the first routine it adds becomes today's.
        today = next((r for r in added if self.window.make_todays_routine(r.id)), None)
        if added:
            names = joined([f'"{r.name}"' for r in added])
            text = f"Added {names} to your routines."
            if today is not None:
                text += f' "{today.name}" is now today\'s routine: press Start on Home to begin.'
            self.prompts.inform(parent, "Prescription added", text)
        return list(done.routine_ids)

    def print_routine(self, routine_id: str) -> Path | None:
        routine = self.catalogue.routines.get(routine_id)
        return self.print_handout(routine, parent=self._parent()) if routine else None

    def print_handout(self, routine: Routine, *, parent: QWidget) -> Path | None:
        """"Print / Save PDF": the handout as a PDF, then offered to open (to print it)."""
        from coach.pdf.handout import write_handout
        from coach.pdf.layout import Paper

        first = default_paper()
        papers = [("a4", "A4"), ("letter", "Letter")]
        papers.sort(key=lambda p: p[0] != first)
        paper = self.prompts.choose(parent, "Print / Save PDF", "Which paper size?", papers)
        if paper is None:
            return None
        path = self.prompts.save_file(parent, "Save the handout",
                                      self.documents / f"{routine.id}-handout.pdf", PDF_FILTER)
        if path is None:
            return None
        try:
            pages = write_handout(path, self.catalogue, routine,
                                  assets_dir=self.library.assets_dir, paper=Paper(paper),
                                  settings=self.window.plan_settings)
        except KnownError as e:
            self.prompts.warn(parent, e.message)
            return None
        self._offer_to_open(parent, path, f"The handout ({pages} page"
                            f"{'s' if pages != 1 else ''}) was saved to {path}.")
        return path

    def visit_report(self) -> Path | None:
        """The progress report for the physiotherapist, from a day the user picks."""
        from coach.core.stats import goal_in_force
        from coach.pdf.commands import build_report
        from coach.pdf.layout import Paper
        from coach.pdf.report import write_report

        parent = self._parent()
        store = self._history()
        if store is None:
            self.prompts.warn(parent, "The history cannot be read, so there is no report.")
            return None
        today = self._today()
        since = self.prompts.ask_date(
            parent, "Visit report", "Report from which day? (For example your last visit.)",
            today - timedelta(weeks=REPORT_WEEKS), today)
        if since is None:
            return None
        path = self.prompts.save_file(parent, "Save the visit report",
                                      self.documents / f"progress-{today.isoformat()}.pdf",
                                      PDF_FILTER)
        if path is None:
            return None
        try:
            report = build_report(store, since, today, self.catalogue, goal_now=goal_in_force(
                self.catalogue, self.window.home.current_routine_id()))
            names = {ex.id: ex.name for ex in self.catalogue.exercises.values()}
            write_report(path, report, names, paper=Paper(default_paper()))
        except KnownError as e:
            self.prompts.warn(parent, e.message)
            return None
        self._offer_to_open(parent, path, f"The visit report was saved to {path}.")
        return path

    def _offer_to_open(self, parent: QWidget, path: Path, text: str) -> None:
        """Say where the PDF went; one button opens it (to print), the other closes."""
        if self.prompts.confirm(parent, "Saved", text, yes="Open it to print", no="Close"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _collision_options(replaceable: bool) -> list[tuple[str, str]]:
    options = [(Choice.KEEP_BOTH.value, "Keep both")]
    if replaceable:
        options.insert(0, (Choice.REPLACE.value, "Replace it"))
    return options


def _collision_text(incoming: Routine, existing: Routine, replaceable: bool,
                    new_name: str) -> str:
    text = (f"The prescription has a routine '{incoming.name}', and you already have a "
            f"different routine with the same id ('{existing.id}', named '{existing.name}').\n\n")
    if replaceable:
        text += ("Replace it: your routine is replaced by the new one (your history is kept).\n"
                 f"Keep both: the new one is added as '{new_name}'.")
    else:
        text += (f"The routine you have came with Physio Coach or your own catalogue file, so "
                 f"it stays. Keep both: the new one is added as '{new_name}'.")
    return text


def _nothing_added(opened: OpenedPrescription) -> str:
    if not opened.readable:
        return f"{opened.path.name} could not be read: {opened.problems[0].message}."
    if opened.unchanged and not opened.unusable:
        names = ", ".join(r.name for r in opened.unchanged)
        return f"You already have this: {names}. Nothing needed to change."
    return (f"Nothing could be added from {opened.path.name}: it has no routine that can be "
            "used.")
