"""A write by a reader whose account was deleted while the request ran: 401, not a 500.

A request authenticated a moment before its user deleted the account (`account_delete` locks the
user row, so the two never interleave) writes rows that name a user who is gone; the database's
foreign key refuses them when the write commits, and the transaction leaves nothing behind. Any
view can meet this, so it is answered here once: the reader is no longer logged in.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse

from accounts.tokens import REALM
from config.middleware import bad_request


class DeletedAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, IntegrityError):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if get_user_model().objects.filter(pk=user.pk).exists():
            return None
        response = bad_request(
            request, "user", "your account was deleted; nothing was saved", status=401
        )
        response["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
        return response
