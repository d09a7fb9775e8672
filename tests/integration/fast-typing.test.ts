import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage, ErrorFrame } from '../../shared/protocol'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('a burst of chat past the frame bucket', () => {
  it('every chat the bucket drops is refused by its clientId, with retryAfterMs, and is posted when sent again after it', async () => {
    const { client: ada, joined } = await joinRoom(server.wsUrl, 'burst', 'Ada', { create: true })
    expect(joined.frameRate).toEqual({ perSecond: 10, burst: 20 })
    const clientIds = Array.from({ length: 30 }, (_, index) => `burst-${index}`)
    for (const clientId of clientIds) ada.send({ type: 'chat', text: clientId, clientId })
    await expect.poll(() => ada.frames.filter(frame => frame.type === 'chat' || frame.type === 'error').length, { timeout: 5000 }).toBe(30)

    const posted = ada.frames.filter((frame): frame is ChatMessage => frame.type === 'chat').map(message => message.clientId)
    const refused = ada.frames.filter((frame): frame is ErrorFrame => frame.type === 'error')
    // The join took one token of the burst of 20; a few more may have come while the frames arrived.
    expect(posted.length).toBeGreaterThanOrEqual(19)
    expect(posted.length).toBeLessThanOrEqual(25)
    expect(posted).toEqual(clientIds.slice(0, posted.length))
    // Each dropped chat, not one a second: named in the order sent.
    expect(refused.map(refusal => refusal.clientId)).toEqual(clientIds.slice(posted.length))
    for (const refusal of refused) {
      expect(refusal.code).toBe('RATE_LIMITED')
      expect(refusal.retryAfterMs).toBeGreaterThan(0)
      expect(refusal.retryAfterMs).toBeLessThanOrEqual(100)
    }

    // Sent again, one each time the bucket has a token: all posted, in order, the socket open.
    const chats = () => ada.frames.filter((frame): frame is ChatMessage => frame.type === 'chat')
    for (const refusal of refused) {
      await wait(refusal.retryAfterMs! + 20)
      const before = chats().length
      ada.send({ type: 'chat', text: refusal.clientId, clientId: refusal.clientId })
      await expect.poll(() => chats().length).toBe(before + 1)
    }
    const all = chats()
    expect(all.map(message => message.clientId)).toEqual(clientIds)
    expect(all.map(message => message.seq)).toEqual(all.map((_, index) => all[0]!.seq + index))
    expect(ada.ws.readyState).toBe(ada.ws.OPEN)
  })
})
