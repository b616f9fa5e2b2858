"""A ``create_app`` whose body raises TypeError: a bug to show, not a wrong call."""

from kolba import Kolba


def create_app() -> Kolba:
    raise TypeError("oops inside create_app")
