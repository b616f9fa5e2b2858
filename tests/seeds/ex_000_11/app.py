# Seed 000_13f4dfa0f99754ee.txt, example 11 (second file): loading config.py.
# Completed: the seed's fragment uses `Flask` without importing it.
# app.py
from flask import Flask  # added: not imported in the seed's fragment
app = Flask(__name__)
app.config.from_object('config.DevelopmentConfig')
