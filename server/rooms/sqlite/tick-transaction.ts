import type Database from 'better-sqlite3'

interface Batch {
  undos: Array<() => void>
  committed: Promise<void>
  resolve: () => void
  reject: (error: unknown) => void
}

/**
 * Every write of one turn of the event loop goes into one transaction, which
 * is committed from setImmediate once the turn's frames have been handled; each
 * writer's promise settles with that commit. A burst of a hundred messages
 * costs one commit, and a message is acknowledged only once it is in the log.
 *
 * A write runs its statements at once (later reads in the same turn see
 * them) and then changes the store's memory. When the transaction fails (a
 * full or read-only disk), it is rolled back, every in-memory change of the
 * turn is undone, newest first, and every writer of the turn gets the error.
 */
export class TickTransaction {
  private batch: Batch | undefined
  /** Runs once, outside any transaction, right before the next one begins. */
  beforeNextBegin: (() => void) | undefined

  constructor(private readonly db: Database.Database, private readonly onOutcome: (error: unknown) => void) {}

  /** Runs `write` in this turn's transaction; `undo` reverts its in-memory change if the transaction fails. */
  run<T>(write: () => T, undo?: (result: T) => void): Promise<T> {
    const batch = this.batch ?? this.begin()
    let result: T
    try {
      result = write()
    }
    catch (error) {
      this.fail(batch, error)
      return Promise.reject(error)
    }
    if (undo) batch.undos.push(() => undo(result))
    return batch.committed.then(() => result)
  }

  /** Resolves once what this turn wrote so far is committed (at once when nothing is pending). */
  settled(): Promise<void> {
    return this.batch?.committed ?? Promise.resolve()
  }

  /** Commits what is pending now, for a clean stop. */
  commitNow(): void {
    if (this.batch) this.commit(this.batch)
  }

  private begin(): Batch {
    // A rollback that failed may have left the last one open.
    if (this.db.inTransaction) this.db.exec('ROLLBACK')
    const before = this.beforeNextBegin
    this.beforeNextBegin = undefined
    before?.()
    this.db.exec('BEGIN')
    let resolve!: () => void
    let reject!: (error: unknown) => void
    const committed = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    // Writers see the failure through their own promises.
    committed.catch(() => {})
    const batch: Batch = { undos: [], committed, resolve, reject }
    this.batch = batch
    setImmediate(() => this.commit(batch))
    return batch
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return
    try {
      this.db.exec('COMMIT')
    }
    catch (error) {
      return this.fail(batch, error)
    }
    this.batch = undefined
    batch.resolve()
    this.onOutcome(undefined)
  }

  private fail(batch: Batch, error: unknown): void {
    if (this.batch !== batch) return
    this.batch = undefined
    try {
      // SQLite rolls back by itself after some errors (a full disk, an I/O error).
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
    }
    catch {
      // Nothing more to do: the transaction is gone either way.
    }
    for (const undo of batch.undos.reverse()) undo()
    batch.reject(error)
    this.onOutcome(error)
  }
}
