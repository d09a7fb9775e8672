import { STATUS_CODES } from 'node:http'
import { LIMITS, parseRoomId } from '../../../../shared/protocol'
import { UploadProblem } from '../../../files/receive-upload'
import { log } from '../../../log'
import { countUpload } from '../../../metrics/counts'
import { hashToken } from '../../../rooms/secrets'

/**
 * Receives one file for a member of the room (docs/protocol.md, "Files").
 * Everything that needs no body (the token, the room, the member's rate, the
 * room's quota, the address's and the server's byte budgets, the free disk)
 * is judged before a byte of it is read; a refused body is
 * dropped, never parsed, and the connection cut if it goes on.
 */
export default defineEventHandler(async (event) => {
  const roomId = parseRoomId(getRouterParam(event, 'id'))
  const token = /^Bearer (\S+)$/.exec(getRequestHeader(event, 'authorization') ?? '')?.[1]
  if (roomId === undefined) return refuse(event, new UploadProblem(400, 'BAD_REQUEST', 'room id is not valid'))
  if (!token || token.length > LIMITS.tokenMaxLength) return refuse(event, notAMemberHere())
  const hub = useRoomHub()
  const found = await withRoomStore(event, async () => {
    const member = await hub.store.findMemberByTokenHash(roomId, hashToken(token))
    return member && { member, room: await hub.store.getRoom(roomId) }
  })
  if (!found?.room) return refuse(event, notAMemberHere())
  const files = useFileService()
  try {
    // The pending uploads and quotas live in Redis with the rooms: out of reach, 503 as for the other routes.
    const file = await withRoomStore(event, async () => {
      const declared = Number(getRequestHeader(event, 'content-length') ?? 0) || 0
      const reservation = await files.admit(found.room!, found.member.id, requestClientAddress(event), declared)
      return files.upload(event.node.req, found.room!, found.member.id, reservation)
    })
    countUpload(file.size)
    setResponseStatus(event, 201)
    return { file }
  }
  catch (error) {
    if (error instanceof UploadProblem) return refuse(event, error)
    if (!event.node.req.complete) dropRest(event)
    throw error
  }
})

function notAMemberHere(): UploadProblem {
  return new UploadProblem(401, 'INVALID_TOKEN', 'uploads need the bearer token of a member of this room')
}

function refuse(event: Parameters<typeof dropRest>[0], problem: UploadProblem): never {
  log('file_refused', `an upload was refused: ${problem.code}`, { status: problem.status, code: problem.code })
  if (!event.node.req.complete) dropRest(event)
  if (problem.status === 401) setResponseHeader(event, 'www-authenticate', 'Bearer')
  if (problem.retryAfterMs !== undefined) setResponseHeader(event, 'retry-after', Math.ceil(problem.retryAfterMs / 1000))
  throw createError({
    statusCode: problem.status,
    statusMessage: STATUS_CODES[problem.status],
    data: { code: problem.code, message: problem.message, ...(problem.retryAfterMs === undefined ? {} : { retryAfterMs: problem.retryAfterMs }) },
  })
}
