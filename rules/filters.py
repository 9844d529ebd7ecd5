"""Moved to web.filters; console/forms.py still imports these from here until it is adapted
after the audit-actions merge (issue 21), and then this module goes."""

from web.filters import PERIOD_DAYS, PERIODS, DateRangeForm

__all__ = ["PERIOD_DAYS", "PERIODS", "DateRangeForm"]
