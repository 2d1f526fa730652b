"""A bare Flask application answering a JSON hello: the ceiling of any Flask app under the
bench's gunicorn settings, to which the trivial route is compared (`gunicorn bench.bare:app`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
