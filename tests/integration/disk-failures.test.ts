import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { mountReadOnly, mountSmallDisk } from '../support/mounts'
import { METRICS_HEADERS, startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, connect, joinRoom } from '../support/ws-client'

// Real file systems (tests/support/mounts.ts, root only): a 1 MiB tmpfs that
// a filler file fills up, and a read-only bind mount of a data folder.
const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  closeAllClients()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serverOn(dir: string): Promise<RunningServer> {
  const server = await startServer({ NUXT_DATA_DIR: dir })
  cleanups.push(() => server.stop())
  return server
}

const health = (server: RunningServer) => async () => (await fetch(`${server.url}/api/health`, { headers: METRICS_HEADERS })).json() as Promise<{ status: string, store: { kind: string, state: string } }>

/** Writes until the disk says ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, 'w')
  try {
    for (const chunk of [64 * 1024, 4096, 512]) {
      try {
        for (;;) writeSync(fd, Buffer.alloc(chunk))
      }
      catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      }
    }
  }
  finally {
    closeSync(fd)
  }
}

describe('a disk that refuses writes', () => {
  it('a full disk: the sender gets UNAVAILABLE, health says degraded, the server stays up, and the resend is stored once when space returns', async () => {
    const disk = mountSmallDisk(1024)
    cleanups.push(() => disk.unmount())
    const server = await serverOn(disk.path)
    const ada = await joinRoom(server.wsUrl, 'full', 'Ada')
    ada.client.send({ type: 'chat', text: 'before', clientId: 'c1' })
    expect(await ada.client.next('chat')).toMatchObject({ text: 'before', seq: 1 })

    const filler = join(disk.path, 'filler')
    fill(filler)
    const long = 'x'.repeat(1000)
    ada.client.send({ type: 'chat', text: long, clientId: 'c2' })
    expect(await ada.client.next('error')).toMatchObject({ code: 'UNAVAILABLE' })
    expect(await health(server)()).toMatchObject({ status: 'degraded', store: { kind: 'sqlite', state: 'unavailable' } })
    expect(server.output()).toMatch(/cannot write .*rooms\.db/)
    ada.client.send({ type: 'ping' })
    expect(await ada.client.next('pong')).toMatchObject({ online: 1, members: 1 })

    rmSync(filler)
    await expect.poll(health(server), { timeout: 5000 }).toMatchObject({ status: 'ok', store: { state: 'ready' } })
    // The page's outbox sends it again at the next pong.
    ada.client.send({ type: 'chat', text: long, clientId: 'c2' })
    expect(await ada.client.next('chat')).toMatchObject({ clientId: 'c2', seq: 2 })
    ada.client.send({ type: 'chat', text: long, clientId: 'c2' })
    expect(await ada.client.next('chat')).toMatchObject({ clientId: 'c2', seq: 2 })
    const bob = await joinRoom(server.wsUrl, 'full', 'Bob')
    expect(bob.joined.history.map(m => m.clientId)).toEqual(['c1', 'c2'])
    expect(server.process.exitCode).toBeNull()
  })

  it('a read-only data folder: the server starts and says degraded, joins get UNAVAILABLE, the file is untouched, and it recovers once the folder is writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-read-only-source-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const first = await serverOn(dir)
    const ada = await joinRoom(first.wsUrl, 'frozen', 'Ada')
    ada.client.send({ type: 'chat', text: 'written before', clientId: 'c1' })
    await ada.client.next('chat')
    first.process.kill('SIGTERM')
    await ada.client.closed
    await new Promise(resolve => first.process.once('exit', resolve))
    const sha256 = () => createHash('sha256').update(readFileSync(join(dir, 'rooms.db'))).digest('hex')
    const before = sha256()

    const readOnly = mountReadOnly(dir)
    cleanups.push(() => readOnly.unmount())
    const server = await serverOn(readOnly.path)
    expect(await health(server)()).toMatchObject({ status: 'degraded', store: { kind: 'sqlite', state: 'unavailable' } })
    const refused = await connect(server.wsUrl)
    refused.send({ type: 'join', roomId: 'frozen', name: 'Ada', token: ada.joined.token, lastSeq: 1 })
    expect(await refused.next('error')).toMatchObject({ code: 'UNAVAILABLE' })
    expect(server.output()).toContain(`cannot open ${join(readOnly.path, 'rooms.db')}`)
    expect(sha256()).toBe(before)

    readOnly.makeWritable()
    await expect.poll(health(server), { timeout: 5000 }).toMatchObject({ status: 'ok', store: { state: 'ready' } })
    const back = await joinRoom(server.wsUrl, 'frozen', 'Ada', { token: ada.joined.token, lastSeq: 0 })
    expect(back.joined).toMatchObject({ recovered: true, you: ada.joined.you })
    expect(back.joined.history.map(m => m.text)).toEqual(['written before'])
  })
})
