"""Personal API tokens: made and revoked by their owner, sent by programs as a Bearer token.

A token is `secrets.token_urlsafe(32)` (256 random bits). Only its SHA-256 digest is stored: a
leaked database does not hand out working tokens, and a slow hash would add nothing against
secrets that cannot be guessed. The owner sees the token once, when it is made.

`bearer_or_session` wraps the API views. With `Authorization: Bearer <token>` the token alone says
who the request is, and CSRF is not checked: a browser never adds that header on its own, so a
forged cross-site request cannot carry it. Without the header the session decides, and the CSRF
check runs exactly as the middleware would run it, so a page's script still needs its token.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken

TOKENS_MAX = 20
PREFIX_LENGTH = 8
# `last_used` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
REALM = "annotations"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's tokens for the profile page: active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created", "-id"
    )


def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret value, which is returned here and never again."""
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= TOKENS_MAX:
        raise ValidationError(
            _("You have %(max)d active tokens; revoke one first.") % {"max": TOKENS_MAX}
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[:PREFIX_LENGTH],
        hashed=_digest(raw),
        created=timezone.now(),
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; someone else's is `ApiToken.DoesNotExist`."""
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_user(raw: str) -> AbstractBaseUser | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    digest = _digest(raw)
    candidates = ApiToken.objects.filter(
        prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True
    ).select_related("user")
    for token in candidates:
        if hmac.compare_digest(token.hashed, digest) and token.user.is_active:
            now = timezone.now()
            if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            return token.user
    return None


def unauthorized(message: str, *, error: str = "") -> JsonResponse:
    """401 with the challenge RFC 6750 asks for."""
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    response = JsonResponse({"error": {"field": "authorization", "message": message}}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request: HttpRequest) -> str | None:
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def bearer_or_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate by Bearer token if one is sent, else by session with the CSRF check."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            credentials = credentials.strip()
            if not credentials or " " in credentials:
                return unauthorized(
                    "send exactly one token: Authorization: Bearer <token>",
                    error="invalid_request",
                )
            user = api_token_user(credentials)
            if user is None:
                return unauthorized("unknown or revoked token", error="invalid_token")
            request.user = user
            return view(request, *args, **kwargs)
        # Anonymous requests cannot act for anyone, so only sessions need the CSRF check; an
        # anonymous write gets the view's 401 instead of a CSRF failure.
        if request.user.is_authenticated:
            reason = _csrf_failure(request)
            if reason:
                return JsonResponse(
                    {"error": {"field": "csrf", "message": f"CSRF check failed: {reason}"}},
                    status=403,
                )
        return view(request, *args, **kwargs)

    return wrapped
