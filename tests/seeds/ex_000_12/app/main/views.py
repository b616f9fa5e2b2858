# Seed 000_13f4dfa0f99754ee.txt, example 12: app/main/views.py is imported by
# the seed's blueprint but not shown; this is a minimal one with the home page
# that the seed's unittest requests.
from . import main  # added: the blueprint from app/main/__init__.py
@main.route('/')  # added: the page the seed's test_home_page requests
def index():  # added:
    return 'Home page'  # added:
