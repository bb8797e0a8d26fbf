from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # Without a CSRF token: choosing a language changes only a preference cookie, and pages
    # shared by all anonymous readers (`reading.page_cache`) can carry no per-reader token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("annotations.urls")),
    path("", include("courses.urls")),
    path("", include("search.urls")),
    path("", include("reading.urls")),
    path("", include("edition.urls")),
]
