import type { H3Event } from 'h3'
import { log } from '../log'
import { loggedPath } from '../logged-path'

/**
 * Runs a route's room action. While the store is out of reach (down, or
 * timing out) the client gets `503 {code: 'UNAVAILABLE'}` and the log one
 * line, instead of a 500 and a stack trace per request; any other failure
 * stays a 500.
 */
export async function withRoomStore<T>(event: H3Event, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  }
  catch (error) {
    const store = useRoomHub().store
    if (isError(error) || (store.health().state === 'ready' && !store.isUnavailableError(error))) throw error
    log('store_unavailable', `${event.method} ${loggedPath(event.path)}: room store unavailable (${error instanceof Error ? error.message : String(error)})`, {}, 'warn')
    throw createError({ statusCode: 503, statusMessage: 'Service Unavailable', data: { code: 'UNAVAILABLE', message: 'the room store is out of reach; try again shortly' } })
  }
}
