"""A ``create_app`` that cannot be called without arguments."""

from kolba import Kolba


def create_app(config_name: str) -> Kolba:
    return Kolba(config_name, static_folder=None)
