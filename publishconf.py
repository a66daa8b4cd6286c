"""Pelican settings for publishing: pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SAMENPLAN_SITEURL", "https://samenplan.example.nl")
RELATIVE_URLS = False
# Links in mail, feeds and QR codes come from SITEURL (settings.public_url); over HTTPS the
# endpoint sends Strict-Transport-Security, and so should the web server for output/ (README).
SAMENPLAN_SECURE_COOKIES = 1
