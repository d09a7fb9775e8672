import { AddressBuckets } from '../transport/address-buckets'

let buckets: { requests: AddressBuckets, files: AddressBuckets } | undefined

/**
 * Each client address's token buckets for HTTP requests: one for pages and
 * API calls, one for file downloads. The rate-limit middleware takes from
 * them, and so does the fallback's direct path (server/transport/fallback-direct.ts),
 * which answers before the middleware runs.
 */
export function useHttpBuckets(): { requests: AddressBuckets, files: AddressBuckets } {
  if (!buckets) {
    const config = useRuntimeConfig()
    const limiters = {
      requests: new AddressBuckets({ perSecond: Number(config.httpRequestsPerSecond), burst: Number(config.httpBurst) }),
      files: new AddressBuckets({ perSecond: Number(config.fileRequestsPerSecond), burst: Number(config.fileBurst) }),
    }
    setInterval(() => {
      limiters.requests.prune()
      limiters.files.prune()
    }, 10_000).unref()
    buckets = limiters
  }
  return buckets
}
