# Seed 000_13f4dfa0f99754ee.txt, example 12 (first file): the application factory.
# Repaired: the seed lost the indentation of the function and `if` bodies;
# restored (the `if` guards only the DEBUG line; the rest is the function's).
# app/__init__.py
from flask import Flask
def create_app(config_name='development'):
    app = Flask(__name__)
    if config_name == 'development':
        app.config['DEBUG'] = True
    # Configure app
    # Register blueprints
    from .main import main as main_blueprint
    app.register_blueprint(main_blueprint)
    return app
