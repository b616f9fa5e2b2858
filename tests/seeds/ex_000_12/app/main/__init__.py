# Seed 000_13f4dfa0f99754ee.txt, example 12 (second file): the blueprint the
# factory registers.
# app/main/__init__.py
from flask import Blueprint
main = Blueprint('main', __name__)
from . import views
