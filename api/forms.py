"""Forms of the open planner's pages: a new API token, a new webhook, a new share link."""

from django import forms
from django.conf import settings

from .models import ApiToken, SharedPage, WebhookFormat
from .webhooks.events import EVENT_LABELS, EVENTS


class TokenForm(forms.ModelForm):
    """Name a new token and choose whether it may write."""

    class Meta:
        model = ApiToken
        fields = ("name", "read_only")
        labels = {"read_only": "Read-only (may read everything you may read, change nothing)"}


class WebhookForm(forms.Form):
    """A URL, its signing secret (empty: one is made and shown), the events it receives and their format."""

    url = forms.URLField(label="URL", max_length=500, assume_scheme="https", help_text="Where events are POSTed.")
    secret = forms.CharField(
        required=False,
        max_length=200,
        help_text="Signs every delivery (X-Planner-Signature). Leave empty and one is made for you.",
    )
    events = forms.MultipleChoiceField(
        choices=[(e, f"{e}: {EVENT_LABELS[e]}") for e in EVENTS],
        initial=list(EVENTS),
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.ChoiceField(choices=WebhookFormat.choices, initial=WebhookFormat.JSON, widget=forms.RadioSelect)


class ShareLinkForm(forms.Form):
    """Which page to share, and for how many days."""

    page = forms.ChoiceField(choices=SharedPage.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"] = forms.IntegerField(
            min_value=1,
            max_value=settings.SHARE_LINK_MAX_DAYS,
            initial=14,
            help_text=f"The link stops working after this many days (at most {settings.SHARE_LINK_MAX_DAYS}).",
        )
