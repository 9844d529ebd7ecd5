from django import forms

from sharelinks.models import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=SHARE_DAYS_MAX,
        initial=SHARE_DAYS_DEFAULT,
        error_messages={
            "min_value": f"A share link lasts 1 to {SHARE_DAYS_MAX} days.",
            "max_value": f"A share link lasts 1 to {SHARE_DAYS_MAX} days.",
        },
    )
