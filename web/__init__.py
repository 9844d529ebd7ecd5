"""Web plumbing the pages share: filter forms, pagination, HTML helpers.

It knows no rule of who sees what (that is rules/): a form shows names through whatever
labeller it is given, and an HTML helper escapes what it is handed.
"""
