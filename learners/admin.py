"""Learner records are not in the admin site (issue 13 item 3): it listed,
searched and opened every learner with no audit row. They are read and changed
only through the app's own pages, which check the user's prisons and role and
audit every view and change. tests/test_admin_site.py keeps it that way."""
