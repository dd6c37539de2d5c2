"""Printed documents: the routine handout and the visit report, as PDF (QtGui, no widgets)."""
