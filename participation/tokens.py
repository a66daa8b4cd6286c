"""Signed tokens (itsdangerous, which Flask already uses for its sessions).

- confirm: in the e-mail that confirms an address; expires after 3 days.
- signup: the same for the address given when signing up for a meeting (its reminder).
- member: a member's personal link, to object and withdraw without a password.
- form: when a form was shown; a submission much faster than that is a robot. With a nonce,
  it is also the submission's one-time key: sent again, it stores nothing new.
- thanks: in the 303 after a stored contribution, so only its sender sees the confirmation
  page that shows it (an id alone can be guessed; this cannot).

A token names what it is for (its salt), so one kind never passes for another.
"""

import functools
import hashlib
import hmac
import secrets
import time

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

CONFIRM_MAX_AGE = 3 * 24 * 3600
MEMBER_MAX_AGE = 2 * 365 * 24 * 3600
FORM_MAX_AGE = 24 * 3600


class TokenError(ValueError):
    def __init__(self, expired):
        self.expired = expired
        super().__init__("verlopen" if expired else "ongeldig")


# Serializers keep no state between calls; making one costs more than signing with it,
# and every form submission signs or checks three tokens.
@functools.lru_cache(maxsize=64)
def _timed(secret, salt):
    return URLSafeTimedSerializer(secret, salt=salt)


@functools.lru_cache(maxsize=64)
def _plain(secret, salt):
    return URLSafeSerializer(secret, salt=salt)


def _read(serializer, token, max_age):
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(expired=True)
    except (BadSignature, TypeError, ValueError, UnicodeError):
        raise TokenError(expired=False)


def address_key(secret, email):
    """A keyed hash of an e-mail address: a link can name the address without carrying it
    (a signed token is readable base64, and URLs end up in logs and browser histories)."""
    return hmac.new(secret.encode() if isinstance(secret, str) else secret, f"address:{email}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def confirm_token(secret, member_id, email):
    return _timed(secret, "confirm-email").dumps([member_id, address_key(secret, email)])


def read_confirm_token(secret, token, max_age=CONFIRM_MAX_AGE):
    """(member_id, address key) from a confirmation token; TokenError when expired or tampered."""
    member_id, key = _read(_timed(secret, "confirm-email"), token, max_age)
    return int(member_id), str(key)


def confirms(secret, key, email):
    """True when the token's address key is that of `email` (the member's address now)."""
    return bool(email) and hmac.compare_digest(str(key), address_key(secret, email))


def signup_token(secret, signup_id, email):
    """The link that confirms the address of a meeting signup (meetings.sign_up)."""
    return _timed(secret, "confirm-signup").dumps([signup_id, address_key(secret, email)])


def read_signup_token(secret, token, max_age=CONFIRM_MAX_AGE):
    """(signup_id, address key) from a signup confirmation token; TokenError when expired or tampered."""
    payload = _read(_timed(secret, "confirm-signup"), token, max_age)
    try:
        signup_id, key = payload
        return int(signup_id), str(key)
    except (TypeError, ValueError):  # signed, but not ours
        raise TokenError(expired=False)


def member_token(secret, member_id, slug):
    return _timed(secret, "member-link").dumps([member_id, slug])


def read_member_token(secret, token, max_age=MEMBER_MAX_AGE):
    member_id, slug = _read(_timed(secret, "member-link"), token, max_age)
    return int(member_id), str(slug)


def form_token(secret, now=None):
    """The signed moment a form was shown, with a nonce: it is also the form's one-time key."""
    started = int(time.time() if now is None else now)
    return _plain(secret, "form-started").dumps([started, secrets.token_urlsafe(9)])


@functools.lru_cache(maxsize=256)  # a submission reads its token twice: its age, then its key
def _form_payload(secret, token):
    try:
        payload = _plain(secret, "form-started").loads(token or "")
    except (BadSignature, TypeError, ValueError, UnicodeError):
        raise TokenError(expired=False)
    return tuple(payload) if isinstance(payload, list) else (payload, None)  # a form shown before the nonce


def form_key(secret, token):
    """The one-time key of a submission (the token itself), or None for an old or forged token."""
    try:
        return token if _form_payload(secret, token)[1] else None
    except TokenError:
        return None


def form_age(secret, token, now=None):
    """Seconds since the form was shown; TokenError when tampered or older than a day."""
    started = _form_payload(secret, token)[0]
    try:
        started = float(started)
    except (TypeError, ValueError):
        raise TokenError(expired=False)
    age = (time.time() if now is None else now) - started
    if age > FORM_MAX_AGE:
        raise TokenError(expired=True)
    return age


def thanks_token(secret, slug, public_id, thanks):
    """The confirmation of one stored contribution. Not timed: the same submission sent again
    gets the same address; the page itself refuses contributions older than a few days."""
    return _plain(secret, "thanks").dumps([slug, public_id, thanks])


def read_thanks_token(secret, token):
    """(slug, public id, thanks) from a confirmation token; TokenError when tampered."""
    try:
        slug, public_id, thanks = _plain(secret, "thanks").loads(token or "")
    except (BadSignature, TypeError, ValueError, UnicodeError):
        raise TokenError(expired=False)
    return str(slug), str(public_id), str(thanks)
