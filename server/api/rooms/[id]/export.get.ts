import { Readable } from 'node:stream'
import { LIMITS, parseRoomId } from '../../../../shared/protocol'
import { exportChunks } from '../../../rooms/conversation/room-export'
import { memberByToken } from '../../../rooms/hub/member-actions'
import { TokenBuckets } from '../../../rooms/rate-limits'

// Each export reads the whole held history: a few a minute per member.
const exportsByMember = new TokenBuckets(LIMITS.exportsPerMinute, 10_000)
const FORMATS = { md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8' } as const

/**
 * The room's history as a member sees it, streamed page by page. The member
 * token comes in `Authorization: Bearer`, never in the URL, where logs and
 * the browser's history would keep it.
 */
export default defineEventHandler(async (event) => {
  const roomId = parseRoomId(getRouterParam(event, 'id'))
  if (roomId === undefined) throw badRequest('room id is not valid')
  const format = getQuery(event).format ?? 'md'
  if (format !== 'md' && format !== 'json') throw badRequest('format must be md or json')
  const token = /^Bearer (\S+)$/.exec(getRequestHeader(event, 'authorization') ?? '')?.[1]
  if (!token || token.length > LIMITS.tokenMaxLength) {
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', data: { code: 'NOT_JOINED', message: 'send the member token as Authorization: Bearer <token>' } })
  }
  const store = useRoomHub().store
  const [room, member] = await withRoomStore(event, () => Promise.all([store.getRoom(roomId), memberByToken(store, roomId, token)]))
  if (!room || !member) throw notAMember()
  const waitMs = exportsByMember.take(`${roomId}\n${member.id}`)
  if (waitMs > 0) {
    setResponseHeader(event, 'Retry-After', Math.ceil(waitMs / 1000))
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', data: { code: 'RATE_LIMITED', message: `at most ${LIMITS.exportsPerMinute} exports a minute`, retryAfterMs: waitMs } })
  }
  setResponseHeaders(event, {
    'Content-Type': FORMATS[format],
    'Content-Disposition': `attachment; filename="${roomId}.${format}"`,
    'Cache-Control': 'no-store',
  })
  return sendStream(event, Readable.from(exportChunks(store, room, format, getRequestURL(event).origin)))
})
