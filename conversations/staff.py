"""How every page names a staff member."""


def staff_name(user) -> str:
    """A staff member's display name (ingest.staff keeps it whole in first_name), or their
    username; "" for none."""
    return (user.get_full_name() or user.get_username()) if user else ""
