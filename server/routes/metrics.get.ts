/**
 * Prometheus text format (docs/deploy.md, "Metrics"). Off (404) unless
 * NUXT_METRICS_TOKEN is set; then a request without the bearer token gets
 * a bare 401, whatever else it sends.
 */
export default defineEventHandler(async (event) => {
  const registry = useMetrics()
  if (!registry) {
    setResponseStatus(event, 404)
    return ''
  }
  if (!hasMetricsToken(event)) {
    setResponseStatus(event, 401)
    setResponseHeader(event, 'www-authenticate', 'Bearer')
    return ''
  }
  setResponseHeader(event, 'content-type', registry.contentType)
  setResponseHeader(event, 'cache-control', 'no-store')
  return registry.metrics()
})
