"""Serve the built site (output/) from the same process as the endpoint.

Only for `samenplan serve` (the demo); in production a web server or CDN
serves output/ and gunicorn runs the endpoint alone.
"""

from pathlib import Path

from flask import Blueprint, abort, redirect, request, send_from_directory


def make_blueprint(output_path):
    output = Path(output_path)
    bp = Blueprint("site", __name__)

    @bp.get("/", defaults={"path": ""})
    @bp.get("/<path:path>")
    def page(path):
        if path == "" or path.endswith("/"):
            path += "index.html"
        elif (output / path).is_dir():
            target = request.path + "/"
            if request.query_string:
                target += "?" + request.query_string.decode("latin-1")
            return redirect(target, 301)
        if not (output / path).resolve().is_relative_to(output.resolve()):
            abort(404)
        return send_from_directory(output, path, max_age=0)

    return bp
