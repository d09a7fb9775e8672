import { afterAll, afterEach, beforeAll } from 'vitest'
import { startRedis } from './redis'
import type { RunningRedis } from './redis'
import { startServer } from './server'
import type { RunningServer } from './server'
import { closeAllClients } from './ws-client'
import type { joinRoom } from './ws-client'

export interface ConversationServers {
  /** The built server on its SQLite file. */
  single: RunningServer
  /** Two instances sharing one real redis-server. */
  one: RunningServer
  two: RunningServer
}

/**
 * The servers the conversation tests (issue 23) run against, started once per
 * file, every socket closed after each test. `servers` is filled in before
 * the first test; `freshRoom` gives each test a room of its own.
 */
export function useConversationServers(prefix: string): { servers: ConversationServers, freshRoom: () => string } {
  const servers = {} as ConversationServers
  let redis: RunningRedis
  let roomCounter = 0
  beforeAll(async () => {
    redis = await startRedis()
    ;[servers.single, servers.one, servers.two] = await Promise.all([startServer(), startServer({ NUXT_REDIS_URL: redis.url }), startServer({ NUXT_REDIS_URL: redis.url })])
  })
  afterEach(() => closeAllClients())
  afterAll(async () => {
    await Promise.all([servers.single, servers.one, servers.two].map(server => server?.stop()))
    await redis?.kill()
  })
  return { servers, freshRoom: () => `${prefix}-${Date.now().toString(36)}-${roomCounter++}` }
}

export type Joined = Awaited<ReturnType<typeof joinRoom>>

let clientIds = 0

/** Posts each text (each its own clientId) and waits for it, paced under the frame bucket (10 a second, bursts of 20). */
export async function postAll(member: Joined, texts: string[], extra: Record<string, unknown> = {}) {
  for (const [i, text] of texts.entries()) {
    member.client.send({ type: 'chat', text, clientId: `c${++clientIds}`, ...extra })
    await member.client.next('chat')
    if (i % 15 === 14) await new Promise(resolve => setTimeout(resolve, 1600))
  }
}
