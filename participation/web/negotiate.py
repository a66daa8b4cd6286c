"""HTML for browsers, JSON for clients that ask for it with Accept."""

from flask import request


def wants_json():
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
