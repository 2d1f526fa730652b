"""Operations pages for admins: scheduled job runs and the e-mails kept in the log."""
