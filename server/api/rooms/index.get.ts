import { LIMITS } from '../../../shared/protocol'
import { decodeCursor, foldCase } from '../../rooms/lobby/lobby-order'

// The public listing: the lobby index's order, read from the cursor on, so a
// page costs the same whatever the number of sockets (docs/protocol.md, Lobby).
export default defineEventHandler(async (event) => {
  const query = getQuery(event)
  const limit = query.limit === undefined ? LIMITS.lobbyPageDefault : Number(query.limit)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIMITS.lobbyPageMax) {
    throw badRequest(`limit must be a whole number of 1-${LIMITS.lobbyPageMax}`)
  }
  let afterKey: string | undefined
  if (query.cursor !== undefined) {
    afterKey = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined
    if (afterKey === undefined) {
      throw createError({ statusCode: 400, statusMessage: 'Bad Request', data: { code: 'BAD_CURSOR', message: 'cursor must be the next of an earlier page, as given' } })
    }
  }
  const q = query.q
  if (q !== undefined && (typeof q !== 'string' || q.length > LIMITS.lobbySearchMaxLength)) {
    throw badRequest(`q must be a string of at most ${LIMITS.lobbySearchMaxLength} characters`)
  }
  const folded = q?.trim() ? foldCase(q.trim()) : undefined
  return withRoomStore(event, () => useRoomHub().lobby.page(afterKey, limit, folded))
})
