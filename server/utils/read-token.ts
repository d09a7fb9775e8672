import type { H3Event } from 'h3'
import { LIMITS, parseRoomId } from '../../shared/protocol'

/**
 * Reads `:id` and `{token, tabId?}` of a member action. sendBeacon posts
 * text/plain, so the body is parsed from text whatever its content type says.
 */
export async function readMemberAction(event: H3Event): Promise<{ roomId: string, token: string, tabId?: string }> {
  const roomId = parseRoomId(getRouterParam(event, 'id'))
  if (roomId === undefined) throw badRequest('room id is not valid')
  const raw = await readBoundedBody(event, Number(useRuntimeConfig().apiBodyMaxBytes))
  let body: unknown
  try {
    body = raw ? JSON.parse(raw) : undefined
  }
  catch {
    throw badRequest('body must be JSON: {"token": "..."}')
  }
  const token = (body as { token?: unknown } | undefined)?.token
  if (typeof token !== 'string' || token.length === 0 || token.length > LIMITS.tokenMaxLength) {
    throw badRequest('body must carry the member token: {"token": "..."}')
  }
  const tabId = (body as { tabId?: unknown }).tabId
  if (tabId !== undefined && (typeof tabId !== 'string' || tabId.length === 0 || tabId.length > LIMITS.tabIdMaxLength)) {
    throw badRequest(`tabId must be a string of 1-${LIMITS.tabIdMaxLength} characters`)
  }
  return tabId === undefined ? { roomId, token } : { roomId, token, tabId }
}

export function badRequest(message: string) {
  return createError({ statusCode: 400, statusMessage: 'Bad Request', data: { code: 'BAD_REQUEST', message } })
}

export function notAMember() {
  return createError({ statusCode: 403, statusMessage: 'Forbidden', data: { code: 'INVALID_TOKEN', message: 'that token belongs to no member of this room' } })
}
