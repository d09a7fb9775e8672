/** The database cannot be reached now; the store tries again on its own. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}

const DISK_CODES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_PROTOCOL']
const FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO'])

/**
 * A failure of the disk rather than of the code: full, read-only, not
 * permitted, out of reach. The writer gets UNAVAILABLE and sends again.
 */
export function isDiskError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code !== 'string') return false
  return FS_CODES.has(code) || DISK_CODES.some(prefix => code.startsWith(prefix))
}
