"""Findings of an attack on the masking and the pages, each fixed: a hostile end user's text
must not make masking slow, and no masked viewer may read a planted value."""

import time

from rules.masking import Masker, PersonalValues

# A guard against a hang, far above what these take once fixed (a tenth of a second).
SLOW = 5.0


def test_a_message_of_dates_is_masked_in_linear_time():
    # 64 KiB of dates joined by spaces is one run of digit groups; finding which groups stand
    # in a date cost dates × groups steps: half a minute per message, at import and on pages.
    text = ("01/02/2024 " * 6000)[:65_000] + "call 98765 43210"
    started = time.perf_counter()
    masked = Masker(PersonalValues()).mask(text)
    assert time.perf_counter() - started < SLOW
    assert masked.startswith("01/02/2024 01/02/2024")
    assert masked.endswith("call [phone]")
