-- The review queue, editors and their credentials, and the searches that found nothing.
-- Times are ISO 8601 UTC text of one fixed width, so that they sort as text in both engines.

CREATE TABLE editors (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    editor TEXT NOT NULL REFERENCES editors (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE editor_sessions (
    id_hash TEXT PRIMARY KEY,
    editor TEXT NOT NULL REFERENCES editors (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX editor_sessions_expires ON editor_sessions (expires_at);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE feedback_items (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    page_url TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('question', 'comment', 'typo')),
    message TEXT NOT NULL,
    name TEXT,
    email TEXT,
    selected_text TEXT,
    context_before TEXT,
    context_after TEXT,
    suggested_fix TEXT,
    form_token TEXT,
    website TEXT,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'triaged', 'in_progress', 'resolved', 'wont_fix', 'duplicate', 'spam')),
    client_hash TEXT,
    assignee TEXT REFERENCES editors (name),
    duplicate_of TEXT REFERENCES feedback_items (id)
);
CREATE INDEX feedback_items_created ON feedback_items (created_at);
CREATE INDEX feedback_items_status_created ON feedback_items (status, created_at);
CREATE INDEX feedback_items_page ON feedback_items (page_url, status);
CREATE INDEX feedback_items_duplicate_of ON feedback_items (duplicate_of);

CREATE TABLE feedback_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_notes_item ON feedback_notes (item_id, id);

CREATE TABLE feedback_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_audit_item ON feedback_audit (item_id, id);

CREATE TABLE zero_result_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX zero_result_searches_created ON zero_result_searches (created_at);
