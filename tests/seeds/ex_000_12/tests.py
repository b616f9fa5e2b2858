# Seed 000_13f4dfa0f99754ee.txt, example 12 (third file): the seed's unittest
# of the application factory.  The seed gives it no file name; tests.py is
# found by `python -m unittest` discovery (and not collected by pytest).
# Repaired: the seed lost the indentation of the class and method bodies; restored.
import unittest
from app import create_app
class FlaskTestCase(unittest.TestCase):
    def setUp(self):
        self.app = create_app('testing')
        self.client = self.app.test_client()
    def test_home_page(self):
        response = self.client.get('/')
        self.assertEqual(response.status_code, 200)
