"""How dates read on every page, PDF and email: "2 December 2026", the way
people write them in the UK (Django's en_GB default abbreviates the month).
Templates use `|date` (or `|date:"DATETIME_FORMAT"`) and never spell out a
day-month-year format of their own; tests/test_date_format.py checks that."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
