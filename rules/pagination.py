"""Moved to web.pagination; console/views.py and ingest/views.py still import these from here
until they are adapted after the audit-actions merge (issue 21), and then this module goes."""

from web.pagination import paginate, paginate_by_id

__all__ = ["paginate", "paginate_by_id"]
