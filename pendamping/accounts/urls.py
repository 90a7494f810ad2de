from django.contrib.auth import views as auth_views
from django.urls import path

from pendamping.accounts import views
from pendamping.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    # Django's LogoutView accepts POST only, so a link or an <img> elsewhere cannot sign a user out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.account, name="account"),
    path("me/tokens/new/", views.token_new, name="token_new"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
