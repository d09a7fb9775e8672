// The database file's schema. Its version is the file's `PRAGMA user_version`:
// the number of entries below that have run on it. A new version adds an
// entry at the end; a shipped entry is never edited, since files out there
// have run it already.
export const MIGRATIONS: readonly string[] = [
  // 1: rooms, members and history. Presence (last heartbeat, offline) is not
  // here: it is live state, kept in memory, so a heartbeat never touches the
  // disk. `empty_since` is set while a room has no members, for retention.
  // `sent` is the clientId window of each member (the exactly-once check);
  // it holds the original message, which may have left the history since.
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    empty_since INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE members (
    room_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE messages (
    room_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (room_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE sent (
    room_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (room_id, member_id, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX sent_by_client_id ON sent (room_id, member_id, client_id);
  `,
  // 2: room settings (title, visibility, owner; a private room's seats as
  // JSON), the address a member joined from (hashed) for a ban, and the
  // bans of members the owner removed, each until its time.
  `
  ALTER TABLE rooms ADD COLUMN title TEXT NOT NULL DEFAULT '';
  ALTER TABLE rooms ADD COLUMN visibility TEXT NOT NULL DEFAULT 'unlisted';
  ALTER TABLE rooms ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
  ALTER TABLE rooms ADD COLUMN private TEXT;
  ALTER TABLE members ADD COLUMN address_hash TEXT;
  CREATE TABLE bans (
    room_id TEXT NOT NULL,
    key TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (room_id, key)
  ) WITHOUT ROWID;
  `,
  // 3: the browser a member joined from (its browser id, hashed), banned
  // with the member when the owner removes it.
  `
  ALTER TABLE members ADD COLUMN browser_hash TEXT;
  `,
  // 4: messages by id. A react, edit, delete or reply names a message by its
  // id: without this each was a json_extract over the room's whole history.
  `
  CREATE INDEX messages_by_id ON messages (room_id, json_extract(body, '$.id'));
  `,
  // 5: replies by the message they quote. A reply keeps an excerpt of it,
  // rewritten when the quoted words are edited or deleted.
  `
  CREATE INDEX messages_by_reply ON messages (room_id, json_extract(body, '$.replyTo.id'));
  `,
  // 6: the salt of an end-to-end encrypted room (NULL for any other room).
  `
  ALTER TABLE rooms ADD COLUMN e2ee_salt TEXT;
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length
