// Counts only, nothing about who is where: for load balancers, the soak test and operators.
export default defineEventHandler(async () => {
  const hub = useRoomHub()
  const rooms = await hub.store.listRoomIds()
  return {
    status: 'ok',
    store: hub.store.health(),
    rooms: rooms.length,
    ...hub.stats(),
    process: {
      uptimeSeconds: Math.round(process.uptime()),
      rssBytes: process.memoryUsage().rss,
      activeTimers: process.getActiveResourcesInfo().filter(resource => resource === 'Timeout').length,
    },
  }
})
