import { afterEach, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

afterEach(() => closeAllClients())

describe('shutdown', () => {
  it('SIGTERM closes every socket with 1001 and the process exits cleanly within a few seconds', async () => {
    const server = await startServer()
    const ada = await joinRoom(server.wsUrl, 'closing', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'closing', 'Bob')
    const exited = new Promise<number | null>(resolve => server.process.once('exit', code => resolve(code)))
    const sentAt = Date.now()
    server.process.kill('SIGTERM')
    expect(await ada.client.closed).toBe(1001)
    expect(await bob.client.closed).toBe(1001)
    expect(await exited).toBe(0)
    expect(Date.now() - sentAt).toBeLessThan(5000)
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow()
  })
})
