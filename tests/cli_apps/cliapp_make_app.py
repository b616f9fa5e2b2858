"""A ``make_app`` factory."""

from kolba import Kolba


def make_app() -> Kolba:
    return Kolba("made_by_make_app", static_folder=None)
