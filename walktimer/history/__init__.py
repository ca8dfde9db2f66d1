"""The session log: past walks and their outcomes, in SQLite."""
