"""Working days: chinese-calendar plus the office's override table (filled in by the calendar helper)."""
