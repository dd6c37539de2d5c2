"""The session history in SQLite: schema and migrations, integrity, backups, queries. No Qt."""
