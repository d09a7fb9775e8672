import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const summary = async (roomId: string) => (await fetch(`${server.url}/api/rooms/${roomId}`)).json()

describe('which join creates a room, over real sockets', () => {
  it('a join of a missing room without create gets NO_SUCH_ROOM, creates nothing, and the socket can still create it', async () => {
    const client = await connect(server.wsUrl)
    client.send({ type: 'join', roomId: 'desing', name: 'Ada' })
    expect(await client.next('error')).toMatchObject({ code: 'NO_SUCH_ROOM', message: expect.stringContaining('desing') })
    expect(await summary('desing')).toEqual({ roomId: 'desing', exists: false, online: 0, members: 0, protected: false })
    const lobby = await (await fetch(`${server.url}/api/rooms?q=desing`)).text()
    expect(lobby).not.toContain('"desing"')
    client.send({ type: 'join', roomId: 'desing', name: 'Ada', create: true })
    expect(await client.next('joined')).toMatchObject({ roomId: 'desing', created: true })
  })

  it('ids are one room whatever their case: DESIGN joins design, and the HTTP routes take any case', async () => {
    const ada = await joinRoom(server.wsUrl, 'Design', 'Ada', { title: 'Design review' })
    expect(ada.joined).toMatchObject({ roomId: 'design', created: true })
    const bob = await connect(server.wsUrl)
    bob.send({ type: 'join', roomId: 'DESIGN', name: 'Bob' })
    expect(await bob.next('joined')).toMatchObject({ roomId: 'design', created: false, presence: { members: 2 } })
    expect(await summary('DeSiGn')).toEqual({ roomId: 'design', exists: true, online: 2, members: 2, protected: false, title: 'Design review' })
    const away = await fetch(`${server.url}/api/rooms/DESIGN/leave`, { method: 'POST', body: JSON.stringify({ token: ada.joined.token }) })
    expect(away.status).toBe(204)
    expect(await summary('design')).toMatchObject({ members: 1 })
  })
})
