# Seed 000_13f4dfa0f99754ee.txt, example 6: Flask-SQLAlchemy.
# Repaired: the seed lost the indentation of the class and function bodies; restored.
# 'sqlite:///app.db' is kept: Flask-SQLAlchemy puts it in the app's instance
# folder, which is inside the temporary copy the tests run from.
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///app.db'
db = SQLAlchemy(app)
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
@app.route('/users')
def get_users():
    users = User.query.all()
    return {'users': [{'username': u.username, 'email': u.email} for u in users]}
