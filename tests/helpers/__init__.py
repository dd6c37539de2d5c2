"""Test helpers for the session engine: catalogue factories, a fake clock, an event recorder."""
