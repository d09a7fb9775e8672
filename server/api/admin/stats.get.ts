import { busiestRooms } from '../../metrics/busiest-rooms'
import { counts } from '../../metrics/counts'
import { HISTORY_SAMPLE_MS, HISTORY_SPAN_MS } from '../../metrics/stats-history'

/**
 * The admin page's numbers (docs/deploy.md, "Admin page"), for this
 * instance: 15 minutes of samples with the figures now as the last point,
 * the busiest public rooms, and in Redis mode every instance's beat. Off
 * (404) unless NUXT_METRICS_TOKEN is set; then the bearer token or 401, and
 * 429 for an address that guessed wrong too often.
 */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'cache-control', 'no-store')
  const history = useStatsHistory()
  if (!history) {
    setResponseStatus(event, 404)
    return { code: 'NOT_FOUND', message: 'the admin page is off: NUXT_METRICS_TOKEN is not set' }
  }
  const verdict = checkAdminToken(event)
  if (typeof verdict === 'number') {
    setResponseStatus(event, 429, 'Too Many Requests')
    setResponseHeader(event, 'retry-after', Math.ceil(verdict / 1000))
    return { code: 'RATE_LIMITED', message: 'too many wrong tokens from this address; slow down', retryAfterMs: verdict }
  }
  if (verdict === 'wrong') {
    setResponseStatus(event, 401)
    setResponseHeader(event, 'www-authenticate', 'Bearer')
    return { code: 'UNAUTHORIZED', message: 'the metrics token is missing or wrong' }
  }
  const hub = useRoomHub()
  const now = Date.now()
  const live = hub.stats()
  const peers = hub.store.peers
  return {
    instance: peers ? metricsInstanceName() : null,
    sampleMs: HISTORY_SAMPLE_MS,
    spanMs: HISTORY_SPAN_MS,
    samples: [...history.samples(), { at: now, ...history.current(now, live, counts.messages) }],
    lobbyWatchers: live.lobbyWatchers,
    busiest: await busiestRooms(hub.roomSizes(), roomId => hub.store.getRoom(roomId)),
    instances: peers ? await peers.fleet({ name: metricsInstanceName(), connections: live.connections }).catch(() => null) : [],
  }
})
