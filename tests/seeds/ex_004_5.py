# Seed 004_80b923005b46b9a0.txt, example 5: Flask-SQLAlchemy.
# Completed: the view calls `jsonify`, which the seed never imports.
# 'sqlite:///test.db' is kept: Flask-SQLAlchemy puts it in the app's instance
# folder, which is inside the temporary copy the tests run from.
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask import jsonify  # added: used by get_users() but not imported in the seed

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///test.db'
db = SQLAlchemy(app)

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)

@app.route('/users')
def get_users():
    users = User.query.all()
    return jsonify([user.username for user in users])
