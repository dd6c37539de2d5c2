"""Physio Coach: a desktop coach for physiotherapy home routines."""

__version__ = "0.1.0"
