"""A single app under an unusual name, next to things that are not apps."""

from kolba import Kolba

myapp = Kolba(__name__, static_folder=None)
not_an_app = 42


class Holder:
    @staticmethod
    def make() -> Kolba:
        return myapp


obj = Holder()
