"""The chatlinks app as an installed app before the move: its migrations 0001-0005 as they were,
which built the tables of share links and of the audit log that the sharelinks and audit apps
now adopt. Installed by tests/upgrade/settings_before.py alone."""
