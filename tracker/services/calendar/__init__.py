"""The reporting calendar: today's date, reporting periods and their dates."""
