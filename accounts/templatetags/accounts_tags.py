"""The header's account links: the reader's name and where to come back to after logging in."""

from django import template
from django.http import HttpRequest

from accounts.models import display_name_for
from accounts.views import safe_next_url

register = template.Library()


@register.filter
def display_name(user) -> str:
    return display_name_for(user)


@register.filter
def return_path(request: HttpRequest) -> str:
    """The page to return to after logging in or signing up.

    On the account pages themselves that is the (safe) `next` they already carry, or nowhere, so
    "Log in" on the sign-up page does not send the reader back to the sign-up page.
    """
    if not isinstance(request, HttpRequest):
        return ""
    match = request.resolver_match
    if match is not None and match.app_name == "accounts":
        return safe_next_url(request)
    return request.get_full_path()
