"""Stop rules, reminders, the disclaimer flag and dose locks live in the settings file."""

from __future__ import annotations

import subprocess
import sys

from coach import settings as settings_file
from coach.care_settings import ReminderSettings
from coach.core.safety import StopRules
from coach.settings import Settings


def test_the_defaults_are_sensible_and_reminders_are_off():
    s = Settings()
    assert s.stop_rules == StopRules(high_pain=7, spreading_stops=True, rising_by=2,
                                     rising_sessions=2)
    assert s.reminders.times == ()
    assert not s.reminders.enabled
    assert not s.reminders.sitting
    assert s.reminders.snooze_minutes == 15
    assert not s.disclaimer_seen
    assert s.locked_doses == ()


def test_safety_and_reminder_settings_survive_a_round_trip(tmp_path):
    path = tmp_path / "settings.toml"
    chosen = Settings(
        stop_rules=StopRules(high_pain=6, spreading_stops=False, rising_by=3, rising_sessions=3),
        reminders=ReminderSettings(times=("08:30", "18:00"), snooze_minutes=10, sitting=True,
                                   sitting_minutes=30),
        disclaimer_seen=True, locked_doses=("plank", "squat"))
    settings_file.save(path, chosen)
    assert settings_file.load(path).settings == chosen
    assert '"08:30"' in path.read_text()


def test_bad_safety_values_keep_their_defaults_and_the_rest_loads(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('disclaimer_seen = "yes"\nlocked_doses = ["plank", 3]\n'
                    '[stop_rules]\nhigh_pain = 12\nrising_by = 3\n'
                    '[reminders]\ntimes = ["25:00"]\nsitting = true\n')
    loaded = settings_file.load(path).settings
    assert loaded.stop_rules == StopRules(rising_by=3)
    assert loaded.reminders == ReminderSettings(sitting=True)
    assert not loaded.disclaimer_seen
    assert loaded.locked_doses == ()


def test_reminder_times_are_tidied_when_read(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[reminders]\ntimes = ["18:00", "8:30", "18:00"]\n')
    assert settings_file.load(path).settings.reminders.times == ("08:30", "18:00")


def test_the_start_up_modules_leave_what_is_needed_only_later_unimported():
    """Start-up reads the settings file and the catalogue files. The rules that apply the stop
    rules, the history records, zoneinfo (reminders) and difflib (suggestions for a catalogue
    with problems) are needed only later, so importing those modules does not load them."""
    code = ("import sys, coach.settings, coach.catalogue_files; "
            "print(sorted({'coach.core.safety', 'coach.core.records', 'zoneinfo', 'difflib'} "
            "& set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
