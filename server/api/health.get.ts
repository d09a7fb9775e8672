// For load balancers: the status alone. Operators and the soak test get
// counts and process figures with the metrics token (NUXT_METRICS_TOKEN).
// While the store is away the instance still answers pings from memory: it
// reports 'degraded' rather than failing, since every instance shares that store.
// One O(1) store command at most (SCARD), bounded by the command timeout: a
// health check costs the same whatever the number of rooms, and a Redis that
// hangs makes it say 'degraded' within the timeout.
export default defineEventHandler(async (event) => {
  const hub = useRoomHub()
  const rooms = hub.store.health().state === 'ready' ? await hub.store.countRooms().catch(() => null) : null
  const store = hub.store.health()
  const status = store.state === 'ready' ? 'ok' : 'degraded'
  // A bearer token here is a guess like any other at /metrics: counted
  // against its address, so that health cannot be used to try tokens. A
  // load balancer sends none and always gets the status.
  if (!event.headers.has('authorization') || checkAdminToken(event) !== 'ok') return { status }
  return {
    status,
    store,
    rooms,
    ...hub.stats(),
    ...useTransportStats()(),
    process: {
      uptimeSeconds: Math.round(process.uptime()),
      rssBytes: process.memoryUsage().rss,
      activeTimers: process.getActiveResourcesInfo().filter(resource => resource === 'Timeout').length,
    },
  }
})
