"""Operations: scheduled job runs, mail, reminders and health checks."""
