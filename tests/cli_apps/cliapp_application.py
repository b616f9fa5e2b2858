"""The app is called ``application``."""

from kolba import Kolba

application = Kolba(__name__, static_folder=None)
