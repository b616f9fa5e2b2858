-- The showcase's schema; `kolba --app showcase init-db` (re)creates it.
-- user_version tells run.py whether an existing database has this schema.
PRAGMA user_version = 2;

DROP TABLE IF EXISTS login_failure;
DROP TABLE IF EXISTS api_token;
DROP TABLE IF EXISTS note;
DROP TABLE IF EXISTS message;
DROP TABLE IF EXISTS user;

CREATE TABLE user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT UNIQUE NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- Copied into the session at login; bumping it ends every session
    -- signed before (logout, password change).
    session_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE message (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Notes are private to their author.
CREATE TABLE note (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    author_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX note_author ON note (author_id);

-- API tokens: only a SHA-256 digest is stored, so a copy of the database
-- does not hand out working tokens.
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT UNIQUE NOT NULL,
    created_at TEXT NOT NULL
);

-- Failed logins, kept for the throttling window. `key` is "user:<name>" or
-- "addr:<client address>"; the table is shared by every worker process.
CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    failed_at REAL NOT NULL
);
CREATE INDEX login_failure_key ON login_failure (key, failed_at);
