"""The coach's voice: a small Speaker protocol (`speaker.py`) and its implementations.

- `pyttsx3_speaker.Pyttsx3Speaker`: renders phrases with pyttsx3/espeak-ng ahead of need and
  plays them on time with a killable `aplay`;
- `silent.SilentSpeaker`: captions only;
- `fake.FakeSpeaker`: records calls, for tests.

Build one with `factory.create_speaker`. Nothing is imported or started at import time.
"""
