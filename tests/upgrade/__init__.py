"""A database as the project left it before the share links and the audit log moved out of the
project package (chatlinks), for tests/test_upgrade.py to upgrade."""
