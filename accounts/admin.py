from functools import wraps

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.forms import AdminLoginForm
from accounts.models import Profile
from accounts.views import refused_as_too_many

User = get_user_model()


def _login_answering_429(login):
    """The admin's login view, answering 429 with Retry-After where its form refused."""

    @wraps(login)
    def wrapped(request, extra_context=None):
        response = login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        return refused_as_too_many(response, form)

    return wrapped


# The admin's log-in is behind the same limits as the site's (`accounts.forms.RateLimitedLogin`);
# set here, where the admin reads this app's configuration, before its URLs are built.
admin.site.login_form = AdminLoginForm
admin.site.login = _login_answering_429(admin.site.login)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 1
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [*DjangoUserAdmin.inlines, ProfileInline]
