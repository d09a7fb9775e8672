import { startCheckpointer } from './checkpointer'
import type { Checkpointer } from './checkpointer'
import { isDiskError, StoreUnavailableError } from './disk-errors'
import { DatabaseFileError, openDatabase } from './open-database'
import type { OpenedDatabase } from './open-database'
import { SCHEMA_VERSION } from './schema'
import { prepareStatements } from './statements'
import type { Statements } from './statements'
import { TickTransaction } from './tick-transaction'
import type { StoreHealth } from '../types'
import type { CoreLog } from '../../log'

/** How often the worker thread folds the log into the file. */
const CHECKPOINT_INTERVAL_MS = 500
/** A log this large starts over once the worker has copied nearly all of it. */
const LOG_RESTART_BYTES = 16 * 2 ** 20

export interface OpenFile { file: OpenedDatabase, sql: Statements, tx: TickTransaction, checkpointer: Checkpointer }

export interface SqliteFileOptions {
  file: string
  log: CoreLog
  /** How often a file that cannot be written (or opened) is tried again. @default 1000 */
  retryIntervalMs?: number
  /** Reads the file into the store's memory, each time it is opened. */
  load: (sql: Statements) => void
  /** The disk takes writes again after it refused some. */
  onWritableAgain: () => void
}

/**
 * The SQLite store's file: opening it (and again, while it cannot be), the
 * turn's transaction, the checkpointer, and whether it takes writes, for
 * the health endpoint.
 */
export class SqliteFile {
  state: StoreHealth['state'] = 'unavailable'
  private open: OpenFile | undefined
  private lastError = ''
  private retryTimer: ReturnType<typeof setInterval> | undefined
  private closed = false
  // A checkpoint that fails (a full disk) leaves the log to grow; commits go on.
  private lastCheckpointError: string | undefined

  /** Throws a DatabaseFileError for a file it must not touch; any other failure to open is retried. */
  constructor(private readonly options: SqliteFileOptions) {
    this.tryOpen(true)
  }

  require(): OpenFile {
    if (!this.open) throw new StoreUnavailableError(this.lastError || `${this.options.file} is not open`)
    return this.open
  }

  async close() {
    this.closed = true
    clearInterval(this.retryTimer)
    const open = this.open
    if (!open) return
    this.open = undefined
    try {
      open.tx.commitNow()
    }
    finally {
      // The checkpointer's connection first: the last one to close folds the log into the file.
      await open.checkpointer.stop()
      open.file.close()
    }
  }

  private tryOpen(atStart: boolean): void {
    let file: OpenedDatabase | undefined
    try {
      file = openDatabase(this.options.file)
      const sql = prepareStatements(file.db)
      this.options.load(sql)
      const tx = new TickTransaction(file.db, error => this.onOutcome(error))
      const db = file.db
      const checkpointer = startCheckpointer({
        file: this.options.file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        restartBytes: LOG_RESTART_BYTES,
        // The last few frames, so that the transaction right after finds them all copied and starts the log over.
        onCaughtUp: () => tx.beforeNextBegin = () => db.pragma('wal_checkpoint(PASSIVE)'),
        onError: error => this.onCheckpoint(error),
      })
      this.open = { file, sql, checkpointer, tx }
      if (this.state !== 'ready') this.options.log(`rooms are kept in ${this.options.file}`, 'store_ready')
      this.ready()
    }
    catch (error) {
      file?.close()
      if (error instanceof DatabaseFileError && atStart) throw error
      this.unavailable(error, 'cannot open')
      // A file found wrong only on a retry (it could not be read at start):
      // leave it alone, and say so once.
      if (error instanceof DatabaseFileError) clearInterval(this.retryTimer)
    }
  }

  private ready(): void {
    this.state = 'ready'
    clearInterval(this.retryTimer)
    this.retryTimer = undefined
  }

  private onCheckpoint(error: string | undefined): void {
    if (error && error !== this.lastCheckpointError) this.options.log(`checkpoint of ${this.options.file} failed: ${error}`)
    this.lastCheckpointError = error
  }

  private onOutcome(error: unknown): void {
    if (error === undefined) {
      if (this.state === 'ready') return
      this.options.log(`${this.options.file} takes writes again`, 'store_recovered')
      this.ready()
      this.options.onWritableAgain()
      return
    }
    if (isDiskError(error)) this.unavailable(error, 'cannot write')
    else this.options.log(`a write to ${this.options.file} failed: ${String(error)}`)
  }

  // While the disk refuses writes, one timer tries again: a write that
  // changes nothing but still needs the disk, or opening the file anew.
  private unavailable(error: unknown, doing: string): void {
    const message = `${doing} ${this.options.file}: ${error instanceof Error ? error.message : String(error)}`
    if (this.state === 'ready' || message !== this.lastError) this.options.log(`${message}; writes get UNAVAILABLE until it works again`, 'store_degraded', {}, 'error')
    this.lastError = message
    this.state = 'unavailable'
    if (this.retryTimer || this.closed) return
    this.retryTimer = setInterval(() => this.retry(), this.options.retryIntervalMs ?? 1000)
    this.retryTimer.unref?.()
  }

  private retry(): void {
    if (!this.open) return this.tryOpen(false)
    const { file, tx } = this.open
    tx.run(() => file.db.pragma(`user_version = ${SCHEMA_VERSION}`)).catch(() => {})
  }
}
