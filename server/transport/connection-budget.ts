import { readFileSync } from 'node:fs'

/** File descriptors kept for what is not a client: the store, files, logs. */
const FD_RESERVE = 256

/**
 * How many TCP connections the server takes at once. Past the process's file
 * descriptor limit, accept() fails for everyone, so by default the cap sits a
 * reserve below the soft limit (Linux's /proc/self/limits; elsewhere none).
 * `npm start` raises the soft limit to the hard one first (scripts/start.sh).
 */
export function connectionBudget(configured: number) {
  const fdLimit = softFileLimit()
  const maxConnections = configured > 0 ? configured : fdLimit ? Math.max(64, fdLimit - FD_RESERVE) : 0
  return {
    fdLimit,
    maxConnections,
    describe: () => `file descriptor limit ${fdLimit ?? 'unknown'}; at most ${maxConnections || 'unlimited'} connections at once`,
  }
}

function softFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find(row => row.startsWith('Max open files'))
    const soft = line?.split(/\s{2,}/)[1]
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined
  }
  catch {
    return undefined
  }
}
