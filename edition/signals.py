"""Hooks the edition offers the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the import's transaction, with `edition`, once its text is written: what a
# receiver writes (the search index) is then part of the import's all-or-nothing.
edition_imported = Signal()
