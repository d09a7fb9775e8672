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
  // 6: search. An FTS5 index with the trigram tokenizer (parts of words,
  // Chinese), kept by triggers, so an insert, an edit, a delete (a tombstone
  // has no text), a trim and a room's removal change it in the statement's
  // own transaction. FTS5 rows are found by an integer rowid, and messages
  // have none: search_rows gives each indexed message one. And the owner's
  // settings of the conversation (slow mode, pins) as JSON.
  `
  ALTER TABLE rooms ADD COLUMN conversation TEXT;
  CREATE TABLE search_rows (
    room_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    UNIQUE (room_id, seq)
  );
  CREATE VIRTUAL TABLE message_search USING fts5(text, tokenize = 'trigram');
  CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
  WHEN coalesce(json_extract(new.body, '$.text'), '') <> '' AND json_extract(new.body, '$.deleted') IS NULL
  BEGIN
    INSERT INTO search_rows (room_id, seq) VALUES (new.room_id, new.seq);
    INSERT INTO message_search (rowid, text) VALUES (last_insert_rowid(), json_extract(new.body, '$.text'));
  END;
  CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
  BEGIN
    DELETE FROM message_search WHERE rowid = (SELECT rowid FROM search_rows WHERE room_id = old.room_id AND seq = old.seq);
    DELETE FROM search_rows WHERE room_id = old.room_id AND seq = old.seq;
  END;
  CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages
  WHEN json_extract(old.body, '$.text') IS NOT json_extract(new.body, '$.text') OR json_extract(old.body, '$.deleted') IS NOT json_extract(new.body, '$.deleted')
  BEGIN
    DELETE FROM message_search WHERE rowid = (SELECT rowid FROM search_rows WHERE room_id = old.room_id AND seq = old.seq);
    DELETE FROM search_rows WHERE room_id = old.room_id AND seq = old.seq;
    INSERT INTO search_rows (room_id, seq) SELECT new.room_id, new.seq
      WHERE coalesce(json_extract(new.body, '$.text'), '') <> '' AND json_extract(new.body, '$.deleted') IS NULL;
    INSERT INTO message_search (rowid, text) SELECT last_insert_rowid(), json_extract(new.body, '$.text')
      WHERE coalesce(json_extract(new.body, '$.text'), '') <> '' AND json_extract(new.body, '$.deleted') IS NULL;
  END;
  INSERT INTO search_rows (room_id, seq) SELECT room_id, seq FROM messages
    WHERE coalesce(json_extract(body, '$.text'), '') <> '' AND json_extract(body, '$.deleted') IS NULL;
  INSERT INTO message_search (rowid, text) SELECT search_rows.rowid, json_extract(messages.body, '$.text')
    FROM search_rows JOIN messages ON messages.room_id = search_rows.room_id AND messages.seq = search_rows.seq;
  `,
  // 7: the salt of an end-to-end encrypted room (NULL for any other room).
  `
  ALTER TABLE rooms ADD COLUMN e2ee_salt TEXT;
  `,
  // 8: threads. A page of the main timeline (replies left out: threadId
  // NULL) and a page of one thread are each one range of this index, newest
  // first; a root's summary is part of its body, rewritten with each reply.
  `
  CREATE INDEX messages_by_thread ON messages (room_id, json_extract(body, '$.threadId'), seq);
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length
