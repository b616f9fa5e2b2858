# Seed 000_13f4dfa0f99754ee.txt, example 8: Flask-Login.
# Repaired: the seed lost the indentation of the class, function and `if`
# bodies; restored.
# Completed: the seed continues its earlier examples (their `app`, `LoginForm`
# and helpers) and leaves the User model as a "# User model implementation"
# placeholder, an empty class body.  The added lines give it those names and
# fill the placeholder with a small in-memory model that has what the seed's
# views call: `User.query.get`, `User.query.filter_by(...).first()` and
# `user.check_password`.  templates/login.html is not in the seed; one was added.
from flask import Flask, redirect, render_template, url_for  # added: the seed's app and helpers come from its earlier examples
from ex_000_7 import LoginForm  # added: the seed's previous example
app = Flask(__name__)  # added:
app.secret_key = 'your-secret-key'  # added: sessions and CSRF tokens need a secret key
from flask_login import LoginManager, UserMixin, login_user, login_required
login_manager = LoginManager()
login_manager.init_app(app)
class User(UserMixin):
    # User model implementation
    def __init__(self, id, email, password):  # added: fills the placeholder
        self.id = id  # added:
        self.email = email  # added:
        self.password = password  # added:
    def check_password(self, password):  # added:
        return password == self.password  # added:
class _UserQuery:  # added: stands in for the ORM's `User.query`
    def __init__(self, users):  # added:
        self.users = users  # added:
    def get(self, ident):  # added:
        return next((u for u in self.users if u.id == ident), None)  # added:
    def filter_by(self, **criteria):  # added:
        return _UserQuery([u for u in self.users if all(getattr(u, k) == v for k, v in criteria.items())])  # added:
    def first(self):  # added:
        return self.users[0] if self.users else None  # added:
User.query = _UserQuery([User(1, 'alice@example.com', 'secret')])  # added: one known user
@login_manager.user_loader
def load_user(user_id):
    return User.query.get(int(user_id))
@app.route('/login', methods=['GET', 'POST'])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = User.query.filter_by(email=form.email.data).first()
        if user and user.check_password(form.password.data):
            login_user(user)
            return redirect(url_for('dashboard'))
    return render_template('login.html', form=form)
@app.route('/dashboard')
@login_required
def dashboard():
    return 'Welcome to your dashboard!'
