import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'text/plain;charset=UTF-8' } })

describe('room HTTP API', () => {
  it('GET /api/rooms/:id gives counts and nothing secret; an unknown room is exists:false, not a 404 the console would log', async () => {
    const ada = await joinRoom(server.wsUrl, 'api-summary', 'Ada', { password: 'hunter2' })
    const res = await fetch(`${server.url}/api/rooms/api-summary`)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ roomId: 'api-summary', exists: true, online: 1, members: 1, protected: true })
    expect(text).not.toContain(ada.joined.token)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('scrypt')
    const unknown = await fetch(`${server.url}/api/rooms/no-such-room`)
    expect(unknown.status).toBe(200)
    expect(await unknown.json()).toEqual({ roomId: 'no-such-room', exists: false, online: 0, members: 0, protected: false })
  })

  it('away (as sendBeacon posts it) marks the member offline at once and keeps it', async () => {
    const ada = await joinRoom(server.wsUrl, 'api-away', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'api-away', 'Bob')
    await ada.client.next('presence')
    const res = await post('/api/rooms/api-away/away', { token: bob.joined.token })
    expect(res.status).toBe(204)
    expect(await ada.client.next('presence', 1000)).toMatchObject({ online: 1, members: 2 })
  })

  it('leave removes the member; a wrong token gets 403 and changes nothing', async () => {
    const ada = await joinRoom(server.wsUrl, 'api-leave', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'api-leave', 'Bob')
    await ada.client.next('presence')
    const forged = await post('/api/rooms/api-leave/leave', { token: 'forged-token' })
    expect(forged.status).toBe(403)
    expect((await forged.json()).data).toMatchObject({ code: 'INVALID_TOKEN' })
    expect((await post('/api/rooms/api-leave/leave', 'not json')).status).toBe(400)
    expect(await (await fetch(`${server.url}/api/rooms/api-leave`)).json()).toMatchObject({ members: 2 })
    expect((await post('/api/rooms/api-leave/leave', { token: bob.joined.token })).status).toBe(204)
    expect(await ada.client.next('presence', 1000)).toMatchObject({ members: 1, left: [bob.joined.you.id] })
  })
})
