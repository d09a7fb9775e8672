export type ClientStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** localStorage in a browser; undefined on the server or where storage is blocked. */
export function defaultClientStorage(): ClientStorage | undefined {
  return ignoreStorageErrors(() => (typeof window === 'undefined' ? undefined : window.localStorage))
}

// Storage throws where it is blocked (some private modes, full quota); what it
// would have kept then lives only as long as the page.
export function ignoreStorageErrors<T>(action: () => T): T | undefined {
  try {
    return action()
  }
  catch {
    return undefined
  }
}
