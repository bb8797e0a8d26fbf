"""Sign-up and profile pages (with the personal API tokens), the reader's data as a download
and deleting the account; everything else is Django's auth views with our templates.

The auth views are subclassed only to name our templates and to send their redirects to the
namespaced URLs (`accounts:…`) instead of Django's un-namespaced defaults.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services, tokens
from accounts.forms import (
    AccountDeleteForm,
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    SignupForm,
)
from accounts.models import ApiToken
from config import ratelimit


def safe_next_url(request: HttpRequest) -> str:
    """The `next` URL if it stays on this site (same rule as Django's LoginView), else ""."""
    url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        wait = ratelimit.hit("signup", ratelimit.client_ip(request))
        if wait:
            return _signup_refused(request, next_url, wait)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.user_register(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, user)
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    context = {"form": form, "next": next_url}
    return render(request, "accounts/signup.html", context)


def _signup_refused(request: HttpRequest, next_url: str, wait: int) -> HttpResponse:
    """429 with the form as sent (but the passwords), nothing in it checked: a refused attempt
    learns nothing, not even whether a username is taken."""
    form = SignupForm(
        initial={name: request.POST.get(name, "") for name in ("username", "email", "display_name")}
    )
    refusal = _("Too many sign-ups from your address. Try again in %(minutes)d minutes.") % {
        "minutes": ratelimit.minutes(wait)
    }
    context = {"form": form, "next": next_url, "refusal": refusal}
    response = render(request, "accounts/signup.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _profile_page(request: HttpRequest, **context) -> HttpResponse:
    if "form" not in context:
        stored = getattr(request.user, "profile", None)
        context["form"] = ProfileForm(
            initial={"display_name": stored.display_name if stored else ""}
        )
    context.setdefault("token_form", ApiTokenForm())
    context["api_tokens"] = tokens.api_tokens_of(request.user)
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(
                user=request.user, display_name=form.cleaned_data["display_name"]
            )
            messages.success(request, _("Your display name has been saved."))
            return redirect("accounts:profile")
        return _profile_page(request, form=form)
    return _profile_page(request)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Shows the new token in this response only; it is stored hashed and never shown again,
    so the page is not cached and there is no redirect that would need to carry it."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        wait = ratelimit.hit("api-token-create", str(request.user.pk))
        if wait:
            form.add_error(
                None,
                _("You have made too many tokens lately. Try again in %(minutes)d minutes.")
                % {"minutes": ratelimit.minutes(wait)},
            )
            response = _profile_page(request, token_form=form)
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        try:
            token, raw = tokens.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            response = _profile_page(request, new_token=raw, new_token_record=token)
            response["Cache-Control"] = "no-store"
            return response
    return _profile_page(request, token_form=form)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = tokens.api_token_revoke(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "HEAD"])
def account_data(request: HttpRequest) -> HttpResponse:
    """All the reader's data as a ZIP (see `services.account_data_export`)."""
    content = services.account_data_export(
        user=request.user, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    day = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="edition-data-{request.user.pk}-{day}.zip"'
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Wrong passwords are counted per user; past the limit the page refuses (429) before
    checking one, so a session left open cannot be used to guess the password."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        identity = str(request.user.pk)
        if wait := ratelimit.retry_after("account-delete", identity):
            form.add_error(
                None,
                _("Too many wrong passwords. Try again in %(minutes)d minutes.")
                % {"minutes": ratelimit.minutes(wait)},
            )
            response = render(request, "accounts/account_delete.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            services.account_delete(
                user=request.user,
                password=form.cleaned_data["password"],
                annotations=form.cleaned_data["annotations"],
            )
        except ValidationError as error:
            ratelimit.hit("account-delete", identity)
            form.add_error(None, error)
        else:
            logout(request)
            return redirect("accounts:account-deleted")
    return render(request, "accounts/account_delete.html", {"form": form})


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_deleted.html")


def refused_as_too_many(response: HttpResponse, form) -> HttpResponse:
    """429 with Retry-After when a rate-limited form refused before checking the password."""
    if getattr(form, "retry_after", None):
        response.status_code = 429
        response["Retry-After"] = str(form.retry_after)
    return response


class LoginView(auth_views.LoginView):
    """Behind the log-in limits (`accounts.forms.RateLimitedLogin`, which counts); past one the
    form refuses before checking any password, answered 429."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_invalid(self, form):
        return refused_as_too_many(super().form_invalid(form), form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot log a reader out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """A wrong current password counts as a failed log-in (`accounts.forms.PasswordChangeForm`)."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}

    def form_invalid(self, form):
        return refused_as_too_many(super().form_invalid(form), form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
