from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “import from the regency spreadsheet”."),
    )


class LoginForm(AuthenticationForm):
    # Django's own Indonesian wording of this message repeats words; ours is translated in our catalogue.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
    }
