import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

// A checkpoint copies the log (rooms.db-wal) into the file and fsyncs both.
// Run on commit by SQLite itself, those fsyncs stalled every socket for as
// long as the disk took (measured at 5,000 messages a second: 2.5 ms per
// commit instead of 0.9, and seconds on a busy disk). So a worker thread with
// a connection of its own does the copying; PASSIVE never waits for the
// writer and never makes it wait.
//
// The log starts over from its beginning only when a transaction of the
// writer starts with every frame copied, which a worker that copies while
// the writer appends never sees under a steady load. So when the log has
// grown past `restartBytes` and the worker has nearly caught up, it tells the
// main thread, which copies the last few frames itself right before its next
// transaction (tickTransaction's beforeBegin): a small checkpoint, a few
// times a minute under load, instead of one every 4 MiB.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
let db
try {
  db = new Database(workerData.file, { fileMustExist: true })
}
catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) })
}
const timer = setInterval(() => {
  if (!db) return
  try {
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ log, checkpointed })
  }
  catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  if (db) db.close()
  parentPort.close()
})
`

/** 4 KiB pages plus their 24-byte frame headers. */
const FRAME_BYTES = 4096 + 24

export interface CheckpointerOptions {
  file: string
  intervalMs: number
  /** A log this large is started over at the main thread's next transaction. */
  restartBytes: number
  /** The worker copied nearly all of the log: the main thread may finish it. */
  onCaughtUp: () => void
  /** A checkpoint failed (undefined: one succeeded). */
  onError: (message: string | undefined) => void
}

export interface Checkpointer {
  /** Stops the worker and closes its connection; the caller's connection is then the last one. */
  stop: () => Promise<void>
}

/** Checkpoints the file's log every `intervalMs` from a worker thread. */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const driver = driverPath()
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: options.file, driver, intervalMs: options.intervalMs } })
  worker.unref()
  const restartFrames = options.restartBytes / FRAME_BYTES
  worker.on('message', (message: { log?: number, checkpointed?: number, error?: string }) => {
    options.onError(message.error)
    const { log = 0, checkpointed = 0 } = message
    // Nearly caught up: what is left is about what the writer adds in one interval.
    if (log >= restartFrames && log - checkpointed < restartFrames / 4) options.onCaughtUp()
  })
  worker.on('error', error => options.onError(error.message))
  const exited = new Promise<void>(resolve => worker.once('exit', () => resolve()))
  return {
    stop: async () => {
      worker.postMessage('stop')
      await exited
    },
  }
}

// The worker requires the driver by path. From the sources it sits next to
// this module; in a Nitro build import.meta.url names no real file, and the
// driver is in node_modules next to the entry.
function driverPath(): string {
  for (const base of [import.meta.url, process.argv[1], join(process.cwd(), 'index.js')]) {
    try {
      if (base) return createRequire(base).resolve('better-sqlite3')
    }
    catch {
      // Not found from there: the next place.
    }
  }
  throw new Error('better-sqlite3 is not installed')
}
