"""Accounts: users, passwords and sign-in, and API tokens."""
