from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("annotations.urls")),
    path("", include("courses.urls")),
    path("", include("search.urls")),
    path("", include("edition.urls")),
]
