"""`python -m bench [--quick]`: see bench/run.py."""

import os

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
django.setup()

from bench.run import main  # noqa: E402 - the models load only once Django is set up

main()
