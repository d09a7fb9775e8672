// Static files are served before any middleware; this bounds what costs the
// server work: page renders and API calls, per client address. Uploaded files
// have a bucket of their own: a room's history shows dozens of images at once,
// and they must not starve the page's API calls (nor the other way round).
export default defineEventHandler((event) => {
  const buckets = useHttpBuckets()
  const limiter = event.method === 'GET' && event.path.startsWith('/files/') ? buckets.files : buckets.requests
  const waitMs = limiter.take(requestClientAddress(event))
  if (waitMs === 0) return
  // Answered here as JSON: a rendered error page would cost what the limit saves.
  setResponseStatus(event, 429, 'Too Many Requests')
  setResponseHeader(event, 'retry-after', Math.ceil(waitMs / 1000))
  return { code: 'RATE_LIMITED', message: 'too many requests from this address; slow down', retryAfterMs: waitMs }
})
