import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let redis: RunningRedis
let single: RunningServer
let one: RunningServer
let two: RunningServer
let roomCounter = 0
const freshRoom = () => `conv-${Date.now().toString(36)}-${roomCounter++}`

beforeAll(async () => {
  redis = await startRedis()
  ;[single, one, two] = await Promise.all([startServer(), startServer({ NUXT_REDIS_URL: redis.url }), startServer({ NUXT_REDIS_URL: redis.url })])
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([single, one, two].map(server => server.stop()))
  await redis.kill()
})

describe('the conversation frames over real sockets', () => {
  it('one server: history pages, a reply, a reaction, an edit and a delete, and FORBIDDEN for another member', async () => {
    const room = freshRoom()
    const ada = await joinRoom(single.wsUrl, room, 'Ada')
    for (let i = 1; i <= 12; i++) ada.client.send({ type: 'chat', text: `m${i}` })
    const sent = []
    for (let i = 1; i <= 12; i++) sent.push(await ada.client.next('chat'))
    const bob = await joinRoom(single.wsUrl, room, 'Bob')
    bob.client.send({ type: 'history', before: bob.joined.history[0]!.seq, limit: 100 })
    expect(await bob.client.next('history')).toEqual({ type: 'history', roomId: room, messages: [], hasMore: false })
    bob.client.send({ type: 'history', before: sent[5]!.seq, limit: 3 })
    const page = await bob.client.next('history')
    expect(page.messages.map(m => m.text)).toEqual(['m3', 'm4', 'm5'])
    expect(page.hasMore).toBe(true)

    bob.client.send({ type: 'chat', text: 'yes', replyTo: sent[0]!.id })
    expect((await ada.client.next('chat')).replyTo).toEqual({ id: sent[0]!.id, from: { id: ada.joined.you.id, name: 'Ada' }, excerpt: 'm1' })
    bob.client.send({ type: 'react', id: sent[0]!.id, emoji: '🎉' })
    expect(await ada.client.next('reaction')).toEqual({ type: 'reaction', roomId: room, id: sent[0]!.id, emoji: '🎉', memberId: bob.joined.you.id, on: true })
    bob.client.send({ type: 'edit', id: sent[0]!.id, text: 'mine now' })
    expect(await bob.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'edit', id: sent[0]!.id, text: 'm1, fixed' })
    expect(await bob.client.next('edited')).toMatchObject({ id: sent[0]!.id, text: 'm1, fixed' })
    ada.client.send({ type: 'delete', id: sent[1]!.id })
    expect(await bob.client.next('deleted')).toEqual({ type: 'deleted', roomId: room, id: sent[1]!.id })
    bob.client.send({ type: 'history', before: sent[2]!.seq })
    const start = await bob.client.next('history')
    expect(start.messages.map(m => [m.text, m.deleted ?? false, m.reactions])).toEqual([['m1, fixed', false, { '🎉': [bob.joined.you.id] }], ['', true, undefined]])
  })

  it('two instances on one Redis: typing crosses without echo, and changes reach the other instance', async () => {
    const room = freshRoom()
    const ada = await joinRoom(one.wsUrl, room, 'Ada')
    const bob = await joinRoom(two.wsUrl, room, 'Bob')
    ada.client.send({ type: 'typing' })
    expect(await bob.client.next('typing')).toEqual({ type: 'typing', roomId: room, ids: [ada.joined.you.id] })
    ada.client.send({ type: 'typing', stop: true })
    expect(await bob.client.next('typing')).toEqual({ type: 'typing', roomId: room, ids: [] })
    expect(ada.client.frames.filter(frame => frame.type === 'typing' && frame.ids.includes(ada.joined.you.id))).toEqual([])

    ada.client.send({ type: 'chat', text: 'across' })
    const message = await bob.client.next('chat')
    bob.client.send({ type: 'react', id: message.id, emoji: '👍🏽' })
    expect(await ada.client.next('reaction')).toMatchObject({ emoji: '👍🏽', memberId: bob.joined.you.id, on: true })
    ada.client.send({ type: 'edit', id: message.id, text: 'across, edited' })
    expect(await bob.client.next('edited')).toMatchObject({ text: 'across, edited' })
    const late = await joinRoom(two.wsUrl, room, 'Cy')
    expect(late.joined.history.at(-1)).toMatchObject({ text: 'across, edited', reactions: { '👍🏽': [bob.joined.you.id] } })
  })
})
