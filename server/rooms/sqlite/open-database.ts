import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS, SCHEMA_VERSION } from './schema'

/**
 * The file is there but must not be used: a newer schema, a damaged file, or
 * another server holding it. The server does not start, and the file is left
 * exactly as it was (nothing here writes to it before these checks pass).
 */
export class DatabaseFileError extends Error {
  override name = 'DatabaseFileError'
}

export interface OpenedDatabase {
  db: Database.Database
  /** Closes the connection, then lets the folder go. */
  close: () => void
}

/**
 * Opens (or creates) the rooms database, checks it and brings its schema up
 * to date. Throws a DatabaseFileError for a file that must be left alone;
 * any other error (a read-only or full disk, a folder it may not write) is
 * one the caller may try again later.
 */
export function openDatabase(file: string): OpenedDatabase {
  mkdirSync(dirname(file), { recursive: true })
  const releaseFolder = lockFolder(file)
  let db: Database.Database | undefined
  try {
    if (existsSync(file)) checkExistingFile(file)
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    // In WAL mode a commit is a write() into the log, without fsync: it
    // survives the process being killed; an OS crash or power cut may lose
    // the last commits before a checkpoint (docs/reliability.md).
    db.pragma('synchronous = NORMAL')
    // A deleted or edited message's old words are overwritten with zeros in
    // the file, not left in a freed cell or page for anyone who reads it.
    db.pragma('secure_delete = ON')
    // Checkpoints run in a worker thread (checkpointer.ts), not on commit.
    db.pragma('wal_autocheckpoint = 0')
    // The log is reused from its start after each checkpoint; this trims a
    // log that a burst grew, when it is reused.
    db.pragma(`journal_size_limit = ${64 * 2 ** 20}`)
    migrate(db, file)
  }
  catch (error) {
    db?.close()
    releaseFolder()
    throw classify(error, file)
  }
  const opened = db
  return {
    db: opened,
    close: () => {
      opened.close()
      releaseFolder()
    },
  }
}

// One process owns the file: a second server on the same folder would keep
// its own copy of the rooms in memory and hand out the same seqs. The lock is
// an exclusive lock on a file of its own (held until close, or until the
// process dies), so the rooms file stays open to a checkpointing thread and
// to `sqlite3 .backup` while the server runs.
function lockFolder(file: string): () => void {
  const lock = new Database(`${file}-lock`, { timeout: 1000 })
  try {
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('BEGIN EXCLUSIVE; COMMIT')
  }
  catch (error) {
    lock.close()
    throw classify(error, file)
  }
  return () => lock.close()
}

// A read-only connection: it cannot checkpoint a log left by a crash into
// the file, so a file that fails here is left byte for byte as it was.
function checkExistingFile(file: string): void {
  const sharedMemory = `${file}-shm`
  const hadSharedMemory = existsSync(sharedMemory)
  let check: Database.Database | undefined
  try {
    check = new Database(file, { readonly: true, fileMustExist: true })
    checkVersion(Number(check.pragma('user_version', { simple: true })), file)
    const verdict = String(check.pragma('quick_check', { simple: true }))
    if (verdict !== 'ok') throw damaged(file, verdict)
  }
  catch (error) {
    throw classify(error, file)
  }
  finally {
    check?.close()
    if (!hadSharedMemory) rmSync(sharedMemory, { force: true })
  }
}

function migrate(db: Database.Database, file: string): void {
  const version = Number(db.pragma('user_version', { simple: true }))
  checkVersion(version, file)
  for (let next = version; next < SCHEMA_VERSION; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]!)
      db.pragma(`user_version = ${next + 1}`)
    })()
  }
}

function checkVersion(version: number, file: string): void {
  if (version <= SCHEMA_VERSION) return
  throw new DatabaseFileError(`${file} was written by a newer version of Heartbeat Chat (schema ${version}; this version knows up to ${SCHEMA_VERSION}). It was left as it is: run the newer version, or move the file away to start with no rooms.`)
}

function damaged(file: string, detail: string): DatabaseFileError {
  return new DatabaseFileError(`${file} is damaged (${detail}). It was left as it is: restore it from a backup, or move it away to start with no rooms.`)
}

function classify(error: unknown, file: string): unknown {
  if (error instanceof DatabaseFileError) return error
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return error
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return damaged(file, (error as Error).message)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseFileError(`${file} is in use by another process (another server on the same NUXT_DATA_DIR?). Each server needs a data folder of its own.`)
  }
  return error
}
