"""App factories: with and without arguments, and broken ones."""

from __future__ import annotations

from kolba import Kolba


def create_app() -> Kolba:
    return Kolba("cliapp_factory", static_folder=None)


def create_app2(foo: str, bar: str) -> Kolba:
    return Kolba("_".join(["cliapp_factory", foo, bar]), static_folder=None)


def no_app() -> None:
    return None


def raises_type_error() -> Kolba:
    raise TypeError("oops inside the factory")
