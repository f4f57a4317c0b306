"""The CSV upload form (PM); the file's content is checked by ``portfolio.csv_import``."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


class ImportForm(forms.Form):
    """One CSV file, at most ``settings.IMPORT_MAX_BYTES`` (its rows, at most ``IMPORT_MAX_ROWS``, are counted by
    the import)."""

    file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"UTF-8, comma-separated, with the header on the first row; at most {settings.IMPORT_MAX_ROWS:,} "
            "project rows (split a bigger file into several)."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.", code="too_large"
            )
        return upload
