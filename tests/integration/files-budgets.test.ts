import { mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fetchFile, upload, uploadFrom } from '../support/files'
import { mountSmallDisk } from '../support/mounts'
import { startRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

const MiB = 1024 * 1024
const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  closeAllClients()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serverWith(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer(env)
  cleanups.push(() => server.stop())
  return server
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hb-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('the room file quota', () => {
  it('a room at its quota is still at it after a SIGTERM restart on the same data folder', async () => {
    const dir = dataDir()
    const env = { NUXT_DATA_DIR: dir, NUXT_ROOM_FILE_QUOTA_BYTES: '5000' }
    const first = await serverWith(env)
    const ada = await joinRoom(first.wsUrl, 'quota-restart', 'Ada', { create: true })
    const sent = await upload(first.url, 'quota-restart', ada.joined.token, { bytes: Buffer.alloc(3000, 1), name: 'a.bin' })
    expect(sent.status).toBe(201)
    ada.client.send({ type: 'chat', text: '', attachments: [sent.body.file!.id] })
    await ada.client.next('chat')
    const pending = await upload(first.url, 'quota-restart', ada.joined.token, { bytes: Buffer.alloc(1500, 2), name: 'b.bin' })
    expect(pending.status).toBe(201)
    expect((await upload(first.url, 'quota-restart', ada.joined.token, { bytes: Buffer.alloc(1000, 3), name: 'c.bin' })).body.data?.code).toBe('QUOTA_EXCEEDED')
    const exited = new Promise(resolve => first.process.once('exit', resolve))
    first.process.kill('SIGTERM')
    await exited

    const second = await serverWith(env)
    const back = await joinRoom(second.wsUrl, 'quota-restart', 'Ada', { token: ada.joined.token })
    const after = await upload(second.url, 'quota-restart', back.joined.token, { bytes: Buffer.alloc(1000, 4), name: 'd.bin' })
    expect(after.status).toBe(429)
    expect(after.body.data?.code).toBe('QUOTA_EXCEEDED')
  }, 60_000)

  it('with two instances on one Redis, a room filled through one is full through the other, also after that one restarts', async () => {
    const redis = await startRedis()
    cleanups.push(() => redis.kill())
    const env = { NUXT_REDIS_URL: redis.url, NUXT_DATA_DIR: dataDir(), NUXT_ROOM_FILE_QUOTA_BYTES: '5000' }
    const [one, two] = await Promise.all([serverWith(env), serverWith(env)])
    const ada = await joinRoom(one.wsUrl, 'quota-shared', 'Ada', { create: true })
    // Pinging, as the page does: a member that never pings is removed long before the restart is over.
    const keepAlive = setInterval(() => ada.client.send({ type: 'ping' }), 300)
    cleanups.push(() => clearInterval(keepAlive))
    expect((await upload(one.url, 'quota-shared', ada.joined.token, { bytes: Buffer.alloc(3000, 1), name: 'a.bin' })).status).toBe(201)
    const across = await upload(two!.url, 'quota-shared', ada.joined.token, { bytes: Buffer.alloc(3000, 2), name: 'b.bin' })
    expect(across.body.data?.code).toBe('QUOTA_EXCEEDED')
    const exited = new Promise(resolve => two!.process.once('exit', resolve))
    two!.process.kill('SIGTERM')
    await exited
    const twoAgain = await serverWith(env)
    const after = await upload(twoAgain.url, 'quota-shared', ada.joined.token, { bytes: Buffer.alloc(3000, 3), name: 'c.bin' })
    expect(after.status).toBe(429)
    expect(after.body.data?.code).toBe('QUOTA_EXCEEDED')
  }, 60_000)
})

describe('byte budgets', () => {
  it('an address past its bytes for the hour gets 429 with Retry-After; another address goes on', async () => {
    const server = await serverWith({ NUXT_UPLOAD_BYTES_PER_ADDRESS_PER_HOUR: '10000' })
    const ada = await joinRoom(server.wsUrl, 'bytes-hour', 'Ada', { create: true })
    expect((await upload(server.url, 'bytes-hour', ada.joined.token, { bytes: Buffer.alloc(6000, 1), name: 'a.bin' })).status).toBe(201)
    // Another room changes nothing: the budget is the address's.
    const adaElsewhere = await joinRoom(server.wsUrl, 'bytes-hour-2', 'Ada', { create: true })
    const refused = await upload(server.url, 'bytes-hour-2', adaElsewhere.joined.token, { bytes: Buffer.alloc(6000, 2), name: 'b.bin' })
    expect(refused.status).toBe(429)
    expect(refused.body.data?.code).toBe('RATE_LIMITED')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60)
    const bob = await joinRoom(server.wsUrl, 'bytes-hour', 'Bob', {}, '127.0.0.2')
    expect((await uploadFrom('127.0.0.2', server.url, 'bytes-hour', bob.joined.token, { bytes: Buffer.alloc(6000, 3), name: 'c.bin' })).status).toBe(201)
  })

  it('past the server\'s files budget, uploads get 507 INSUFFICIENT_STORAGE before the body is stored', async () => {
    const server = await serverWith({ NUXT_FILES_MAX_BYTES: '10000' })
    const ada = await joinRoom(server.wsUrl, 'files-budget', 'Ada', { create: true })
    expect((await upload(server.url, 'files-budget', ada.joined.token, { bytes: Buffer.alloc(6000, 1), name: 'a.bin' })).status).toBe(201)
    const bob = await joinRoom(server.wsUrl, 'files-budget-2', 'Bob', { create: true })
    const refused = await upload(server.url, 'files-budget-2', bob.joined.token, { bytes: Buffer.alloc(6000, 2), name: 'b.bin' })
    expect(refused.status).toBe(507)
    expect(refused.body.data?.code).toBe('INSUFFICIENT_STORAGE')
  })

  it('uploads get 507 while the disk is above its free-space floor, never a full disk', async () => {
    const disk = mountSmallDisk(16 * 1024)
    cleanups.push(() => disk.unmount())
    const server = await serverWith({ NUXT_DATA_DIR: disk.path, NUXT_FILES_MIN_FREE_BYTES: String(8 * MiB), NUXT_MAX_UPLOAD_BYTES: String(MiB) })
    const ada = await joinRoom(server.wsUrl, 'free-floor', 'Ada', { create: true })
    const statuses: number[] = []
    let last
    for (let i = 0; i < 16; i++) {
      last = await upload(server.url, 'free-floor', ada.joined.token, { bytes: Buffer.alloc(MiB - 1024, i), name: `f${i}.bin` })
      statuses.push(last.status)
      if (last.status !== 201) break
    }
    expect(statuses.filter(status => status === 201).length).toBeGreaterThan(3)
    expect(last!.status).toBe(507)
    expect(last!.body.data?.code).toBe('INSUFFICIENT_STORAGE')
    const free = statfsSync(disk.path)
    expect(free.bavail * free.bsize).toBeGreaterThan(7 * MiB)
  }, 60_000)
})

describe('files of idle rooms', () => {
  it('a room nobody was heard from in the idle time loses its files but keeps its messages; a room in use keeps its files', async () => {
    const server = await serverWith({ NUXT_IDLE_ROOM_FILES_TTL_MS: '3000', NUXT_FILE_SWEEP_INTERVAL_MS: '200' })
    const ada = await joinRoom(server.wsUrl, 'idle-files', 'Ada', { create: true })
    const bob = await joinRoom(server.wsUrl, 'busy-files', 'Bob', { create: true })
    const keepAlive = setInterval(() => bob.client.send({ type: 'ping' }), 300)
    cleanups.push(() => clearInterval(keepAlive))
    const idle = await upload(server.url, 'idle-files', ada.joined.token, { bytes: Buffer.from('an idle room\'s file'), name: 'idle.txt' })
    const busy = await upload(server.url, 'busy-files', bob.joined.token, { bytes: Buffer.from('a busy room\'s file'), name: 'busy.txt' })
    ada.client.send({ type: 'chat', text: 'see the file', attachments: [idle.body.file!.id] })
    await ada.client.next('chat')
    bob.client.send({ type: 'chat', text: 'mine too', attachments: [busy.body.file!.id] })
    await bob.client.next('chat')
    ada.client.close()

    await expect.poll(async () => (await fetchFile(server.url, idle.body.file!.url)).status, { timeout: 15_000, interval: 250 }).toBe(404)
    expect((await fetchFile(server.url, busy.body.file!.url)).status).toBe(200)
    const back = await joinRoom(server.wsUrl, 'idle-files', 'Ada', { token: ada.joined.token })
    expect(back.joined.history).toEqual([expect.objectContaining({ text: 'see the file', attachments: [expect.objectContaining({ name: 'idle.txt' })] })])
  }, 30_000)
})
