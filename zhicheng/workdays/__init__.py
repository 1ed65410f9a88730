"""Editing the working-day calendar (overrides, year confirmations): above accounts, unlike core.calendar."""
