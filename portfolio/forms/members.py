"""Forms about who is in a portfolio: creating one, inviting people, changing a member's role, and the
account a visitor creates when accepting an invitation."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm

from ..models import Portfolio, Role


class PortfolioCreateForm(forms.ModelForm):
    """A new portfolio: its name, what it covers and its value unit (every other setting has its default)."""

    class Meta:
        model = Portfolio
        fields = ("name", "description", "value_unit")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"value_unit": "Value unit"}
        help_texts = {
            "name": "Shown at the top of every page; its web address is made from it.",
            "description": "What this backlog covers (optional).",
            "value_unit": "Label of every impact and value figure, e.g. k$ (thousands of dollars) or M€.",
        }

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class InvitationForm(forms.Form):
    """Invite someone with a role; the email address is optional (the link is shown to copy anyway)."""

    role = forms.ChoiceField(choices=Role.choices, initial=Role.EM)
    email = forms.EmailField(
        required=False, help_text="Optional: the link is also sent there. You can always copy it and pass it on."
    )


class MemberRoleForm(forms.Form):
    """A member's new role."""

    role = forms.ChoiceField(choices=Role.choices)


class SignUpForm(UserCreationForm):
    """The account a visitor creates on an invitation's page: username, optional email, password twice.

    The password is checked by Django's validators (``AUTH_PASSWORD_VALIDATORS``); the username must be new,
    whatever its case.
    """

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "Optional; needed to reset a forgotten password."
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())
