// Counts only, nothing about who is where: for load balancers, the soak test and operators.
// While the store is away the instance still answers pings from memory: it
// reports 'degraded' rather than failing, since every instance shares that store.
export default defineEventHandler(async () => {
  const hub = useRoomHub()
  const store = hub.store.health()
  const rooms = store.state === 'ready' ? await hub.store.listRoomIds().then(ids => ids.length, () => null) : null
  return {
    status: store.state === 'ready' ? 'ok' : 'degraded',
    store,
    rooms,
    ...hub.stats(),
    process: {
      uptimeSeconds: Math.round(process.uptime()),
      rssBytes: process.memoryUsage().rss,
      activeTimers: process.getActiveResourcesInfo().filter(resource => resource === 'Timeout').length,
    },
  }
})
