import { AddressBuckets } from '../transport/address-buckets'

let buckets: AddressBuckets | undefined

// Static files are served before any middleware; this bounds what costs the
// server work: page renders and API calls, per client address.
export default defineEventHandler((event) => {
  if (!buckets) {
    const config = useRuntimeConfig()
    const limiter = new AddressBuckets({ perSecond: Number(config.httpRequestsPerSecond), burst: Number(config.httpBurst) })
    setInterval(() => limiter.prune(), 10_000).unref()
    buckets = limiter
  }
  const waitMs = buckets.take(requestClientAddress(event))
  if (waitMs === 0) return
  // Answered here as JSON: a rendered error page would cost what the limit saves.
  setResponseStatus(event, 429, 'Too Many Requests')
  setResponseHeader(event, 'retry-after', Math.ceil(waitMs / 1000))
  return { code: 'RATE_LIMITED', message: 'too many requests from this address; slow down', retryAfterMs: waitMs }
})
