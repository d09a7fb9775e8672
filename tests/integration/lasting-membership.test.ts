import { afterEach, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer | undefined

afterEach(async () => {
  closeAllClients()
  await server?.stop()
  server = undefined
})

/** The first frame that answers a join: joined or error. */
async function answerTo(roomId: string, name: string, extra: Record<string, unknown>, localAddress: string) {
  const client = await connect(server!.wsUrl, { localAddress })
  client.send({ type: 'join', roomId, name, ...extra })
  await expect.poll(() => client.frames.some(f => f.type === 'joined' || f.type === 'error')).toBe(true)
  return client.frames.find(f => f.type === 'joined' || f.type === 'error')!
}

/** Ada creates a password room, pings once (so she is no never-pinged join), and closes her tab. */
async function adaLeavesHerTab(roomId: string) {
  const ada = await joinRoom(server!.wsUrl, roomId, 'Ada', { create: true, password: 'pw' }, '127.0.0.21')
  await new Promise(resolve => setTimeout(resolve, 20))
  ada.client.send({ type: 'ping' })
  await ada.client.next('pong')
  ada.client.close()
  await ada.client.closed
  return ada.joined
}

describe('a membership lasts while its member is away', () => {
  it('the owner away well past the old member TTL comes back with her token as the same member and still the owner', async () => {
    // NUXT_MEMBER_TTL_MS was the TTL of offline members; it is gone, so this 1 s stands for the 10 minutes it had.
    server = await startServer({ NUXT_MEMBER_TTL_MS: '1000', NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: '100', NUXT_EMPTY_ROOM_GRACE_MS: '300' })
    const before = await adaLeavesHerTab('secret-room')
    // FAST_ENV's window is 1.5 s: she is offline, and long past the old TTL.
    await new Promise(resolve => setTimeout(resolve, 4000))
    expect(await answerTo('secret-room', 'Ada', { password: 'pw' }, '127.0.0.22')).toMatchObject({ type: 'error', code: 'NAME_TAKEN' })
    const back = await joinRoom(server.wsUrl, 'secret-room', 'Ada', { token: before.token }, '127.0.0.21')
    expect(back.joined).toMatchObject({ you: before.you, owner: before.you.id, protected: true, created: false })
    expect(back.joined.presence.members).toBe(1)
  }, 30_000)

  it('a membership unused for the room retention lapses, and the room goes with its last member', async () => {
    server = await startServer({ NUXT_ROOM_RETENTION_MS: '1000', NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: '100', NUXT_EMPTY_ROOM_GRACE_MS: '300' })
    await adaLeavesHerTab('brief-room')
    await expect.poll(async () => (await (await fetch(`${server!.url}/api/rooms/brief-room`)).json()).exists, { timeout: 15_000 }).toBe(false)
  }, 30_000)
})
