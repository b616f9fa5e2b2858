# Seed 000_13f4dfa0f99754ee.txt, example 9: Flask-RESTful.
# Repaired: the seed lost the indentation of the class, method and `if`
# bodies; restored.
# Completed: `post()` uses `request`, which the seed never imports.
from flask import Flask
from flask_restful import Api, Resource
from flask import request  # added: used by post() but not imported in the seed
app = Flask(__name__)
api = Api(app)
class HelloWorld(Resource):
    def get(self):
        return {'message': 'Hello, World!'}
    def post(self):
        data = request.get_json()
        return {'message': 'Data received', 'data': data}, 201
api.add_resource(HelloWorld, '/api/hello')
if __name__ == '__main__':
    app.run(debug=True)
