from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Logging in and out, changing a password and resetting a forgotten one by email: Django's views with the
# app's templates (templates/registration/). The reset mail goes through the configured email backend.
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    path("", include("roadmap.urls")),
    path("", include("portfolio.urls")),
]

# Under /api/ a 404 or a 500 is a problem document (application/problem+json); elsewhere the site's pages.
handler404 = "api.rest.problems.not_found"
handler500 = "api.rest.problems.server_error"
