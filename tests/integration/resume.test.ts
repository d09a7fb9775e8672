import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeEveryClient, joinOver, ROOMY_HTTP_ENV, TRANSPORTS } from '../support/transports'
import type { AnyClient } from '../support/transports'

let server: RunningServer
let counter = 0
const freshRoom = () => `resume-${Date.now().toString(36)}-${counter++}`

beforeAll(async () => {
  // Rate limits have their own tests; here a member posts 25 messages in a row.
  server = await startServer({ ...ROOMY_HTTP_ENV, NUXT_HISTORY_LIMIT: '20', NUXT_FRAMES_PER_SECOND: '1000', NUXT_FRAME_BURST: '1000' })
})
afterEach(() => closeEveryClient())
afterAll(() => server.stop())

async function say(client: AnyClient, texts: string[]) {
  for (const text of texts) client.send({ type: 'chat', text })
  for (const _ of texts) await client.next('chat')
}

describe.each(TRANSPORTS)('resume without loss over $name', (transport) => {
  it('a member dropped without a close frame comes back with exactly what it missed, in order', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const bob = await joinOver(transport, server, room, 'Bob')
    await say(ada.client, ['one', 'two'])
    const bobSaw = (await bob.client.next('chat')).seq
    expect((await bob.client.next('chat')).seq).toBe(bobSaw + 1)
    bob.client.terminate()
    await say(ada.client, ['three', 'four', 'five'])

    const back = await joinOver(transport, server, room, 'Bob', { token: bob.joined.token, lastSeq: bobSaw + 1 })
    expect(back.joined.you.id).toBe(bob.joined.you.id)
    expect(back.joined.recovered).toBe(true)
    expect(back.joined.history.map(m => m.text)).toEqual(['three', 'four', 'five'])
    expect(back.joined.history.map(m => m.seq)).toEqual([bobSaw + 2, bobSaw + 3, bobSaw + 4])
    await say(ada.client, ['six'])
    expect(await back.client.next('chat')).toMatchObject({ text: 'six', seq: bobSaw + 5 })
  })

  it('a resume past what the server still holds says recovered: false and sends recent history', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    await say(ada.client, Array.from({ length: 25 }, (_, i) => `m${i + 1}`))
    ada.client.terminate()
    const back = await joinOver(transport, server, room, 'Ada', { token: ada.joined.token, lastSeq: 2 })
    expect(back.joined.recovered).toBe(false)
    expect(back.joined.history.at(-1)?.text).toBe('m25')
    expect(back.joined.history).toHaveLength(20)
  })

  it('an unknown token with lastSeq joins as a new member and says recovered: false', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const stranger = await joinOver(transport, server, room, 'Mallory', { token: 'A'.repeat(32), lastSeq: 0 })
    expect(stranger.joined.you.id).not.toBe(ada.joined.you.id)
    expect(stranger.joined.recovered).toBe(false)
    expect(stranger.joined.presence.members).toBe(2)
  })

  it('a resent clientId is answered with the original message and posted once', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const bob = await joinOver(transport, server, room, 'Bob')
    ada.client.send({ type: 'chat', text: 'only once', clientId: 'c-42' })
    const original = await ada.client.next('chat')
    ada.client.terminate()
    const back = await joinOver(transport, server, room, 'Ada', { token: ada.joined.token, lastSeq: original.seq })
    back.client.send({ type: 'chat', text: 'only once', clientId: 'c-42' })
    expect(await back.client.next('chat')).toEqual(original)
    bob.client.send({ type: 'chat', text: 'after' })
    expect(await bob.client.next('chat')).toMatchObject({ text: 'only once' })
    expect(await bob.client.next('chat')).toMatchObject({ text: 'after', seq: original.seq + 1 })
    expect(bob.client.frames.filter(f => f.type === 'chat' && f.text === 'only once')).toHaveLength(1)
  })

  it('a taken name is refused to a newcomer and let back in for the token holder', async () => {
    const room = freshRoom()
    const ada = await joinOver(transport, server, room, 'Ada')
    const impostor = await transport.connect(server)
    impostor.send({ type: 'join', roomId: room, name: 'ADA' })
    expect(await impostor.next('error')).toMatchObject({ code: 'NAME_TAKEN' })
    ada.client.terminate()
    const back = await joinOver(transport, server, room, 'Ada', { token: ada.joined.token })
    expect(back.joined.you).toEqual(ada.joined.you)
  })
})
