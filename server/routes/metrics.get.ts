/**
 * Prometheus text format (docs/deploy.md, "Metrics"). Off (404) unless
 * NUXT_METRICS_TOKEN is set; then a request without the bearer token gets
 * a bare 401, whatever else it sends, and an address that sent too many
 * wrong tokens (here or to the admin page) a bare 429 for a while.
 */
export default defineEventHandler(async (event) => {
  const registry = useMetrics()
  if (!registry) {
    setResponseStatus(event, 404)
    return ''
  }
  const verdict = checkAdminToken(event)
  if (typeof verdict === 'number') {
    setResponseStatus(event, 429)
    setResponseHeader(event, 'retry-after', Math.ceil(verdict / 1000))
    return ''
  }
  if (verdict === 'wrong') {
    setResponseStatus(event, 401)
    setResponseHeader(event, 'www-authenticate', 'Bearer')
    return ''
  }
  setResponseHeader(event, 'content-type', registry.contentType)
  setResponseHeader(event, 'cache-control', 'no-store')
  return registry.metrics()
})
