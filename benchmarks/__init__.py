"""Performance harness: each benchmark compares against its floor in the same run."""
