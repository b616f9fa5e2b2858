# Seed 000_13f4dfa0f99754ee.txt, example 7: a Flask-WTF form.
# Repaired: the seed lost the indentation of the class body; restored.
from flask_wtf import FlaskForm
from wtforms import StringField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email
class LoginForm(FlaskForm):
    email = StringField('Email', validators=[DataRequired(), Email()])
    password = PasswordField('Password', validators=[DataRequired()])
    submit = SubmitField('Login')
