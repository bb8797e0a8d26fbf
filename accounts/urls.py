from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.api_token_create, name="api-token-create"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("data.zip", views.account_data, name="account-data"),
    path("delete/", views.account_delete, name="account-delete"),
    path("deleted/", views.account_deleted, name="account-deleted"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password_change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password_reset/done/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
