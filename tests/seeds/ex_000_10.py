# Seed 000_13f4dfa0f99754ee.txt, example 10: error handlers.
# Repaired: the seed lost the indentation of the function, `try` and `except`
# bodies; restored.  templates/404.html and templates/500.html are not in the
# seed; minimal ones were added.
from flask import Flask, render_template
app = Flask(__name__)
@app.errorhandler(404)
def not_found(error):
    return render_template('404.html'), 404
@app.errorhandler(500)
def internal_error(error):
    return render_template('500.html'), 500
@app.route('/divide/<int:num>')
def divide_by_zero(num):
    try:
        result = 100 / num
        return f'Result: {result}'
    except ZeroDivisionError:
        return 'Cannot divide by zero!', 400
