import { readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { fetchFile, pngBytes, streamUpload, upload } from '../support/files'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

const MiB = 1024 * 1024
let server: RunningServer | undefined

/** What the server holds in its staging folder: uploads being received. */
function staged(running: RunningServer): string[] {
  return readdirSync(join(running.dataDir!, 'files', '.staging'))
}

afterEach(async () => {
  closeAllClients()
  await server?.stop()
  server = undefined
})

describe('upload limits', () => {
  for (const declareLength of [false, true]) {
    it(`a 50 MiB upload (${declareLength ? 'declared length' : 'chunked'}) gets 413 and the server's memory grows by far less than the upload`, async () => {
      server = await startServer()
      const ada = await joinRoom(server.wsUrl, 'files-413', 'Ada')
      // A first small upload, so that what the route loads once is not counted.
      expect((await upload(server.url, 'files-413', ada.joined.token, { bytes: Buffer.from('warm up'), name: 'a.txt' })).status).toBe(201)
      const before = (await healthDetails(server.url)).process.rssBytes
      let peak = before
      let done = false
      const sampling = (async () => {
        while (!done) {
          peak = Math.max(peak, (await healthDetails(server!.url)).process.rssBytes)
          await new Promise(resolve => setTimeout(resolve, 100))
        }
      })()
      const answer = await streamUpload(server.url, 'files-413', ada.joined.token, 50 * MiB, declareLength)
      done = true
      await sampling
      peak = Math.max(peak, (await healthDetails(server.url)).process.rssBytes)
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body).data.code).toBe('TOO_LARGE')
      expect(peak - before).toBeLessThan(16 * MiB)
      // Nothing of it is left on disk, and the member can go on uploading.
      await expect.poll(() => staged(server!)).toEqual([])
      expect((await upload(server.url, 'files-413', ada.joined.token, { bytes: Buffer.from('after'), name: 'b.txt' })).status).toBe(201)
    }, 60_000)
  }

  it('an upload cut off halfway leaves nothing behind', async () => {
    server = await startServer()
    const ada = await joinRoom(server.wsUrl, 'files-cut', 'Ada')
    const boundary = 'cut-boundary'
    const req = request(new URL('/api/rooms/files-cut/files', server.url), {
      method: 'POST',
      agent: false,
      headers: { 'authorization': `Bearer ${ada.joined.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(5 * MiB) },
    })
    req.on('error', () => {})
    req.write(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`)
    req.write(Buffer.alloc(MiB, 1))
    await expect.poll(() => staged(server!).length).toBe(1)
    req.destroy()
    await expect.poll(() => staged(server!)).toEqual([])
    expect((await upload(server.url, 'files-cut', ada.joined.token, { bytes: Buffer.from('whole'), name: 'w.txt' })).status).toBe(201)
  })

  it('a file of exactly the limit is taken, one byte more is 413', async () => {
    server = await startServer({ NUXT_MAX_UPLOAD_BYTES: '2048' })
    const ada = await joinRoom(server.wsUrl, 'files-edge', 'Ada')
    expect((await upload(server.url, 'files-edge', ada.joined.token, { bytes: Buffer.alloc(2048, 1), name: 'a.bin' })).status).toBe(201)
    const over = await upload(server.url, 'files-edge', ada.joined.token, { bytes: Buffer.alloc(2049, 1), name: 'b.bin' })
    expect(over.status).toBe(413)
    expect(over.body.data?.code).toBe('TOO_LARGE')
  })

  it('429 past NUXT_UPLOADS_PER_MINUTE for one member, with Retry-After; another member still uploads', async () => {
    server = await startServer({ NUXT_UPLOADS_PER_MINUTE: '3' })
    const ada = await joinRoom(server.wsUrl, 'files-rate', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'files-rate', 'Bob')
    for (let i = 0; i < 3; i++) expect((await upload(server.url, 'files-rate', ada.joined.token, { bytes: Buffer.from(`n${i}`), name: 'n.txt' })).status).toBe(201)
    const refused = await upload(server.url, 'files-rate', ada.joined.token, { bytes: Buffer.from('n3'), name: 'n.txt' })
    expect(refused.status).toBe(429)
    expect(refused.body.data?.code).toBe('RATE_LIMITED')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await upload(server.url, 'files-rate', bob.joined.token, { bytes: Buffer.from('b'), name: 'b.txt' })).status).toBe(201)
  })

  it('429 past the room\'s byte quota; deleting a message with files frees its bytes', async () => {
    server = await startServer({ NUXT_ROOM_FILE_QUOTA_BYTES: '5000' })
    const ada = await joinRoom(server.wsUrl, 'files-quota', 'Ada')
    const first = await upload(server.url, 'files-quota', ada.joined.token, { bytes: Buffer.alloc(3000, 1), name: 'a.bin' })
    expect(first.status).toBe(201)
    const second = await upload(server.url, 'files-quota', ada.joined.token, { bytes: Buffer.alloc(3000, 2), name: 'b.bin' })
    expect(second.status).toBe(429)
    expect(second.body.data?.code).toBe('QUOTA_EXCEEDED')
    // Another room has its own quota.
    const other = await joinRoom(server.wsUrl, 'files-quota-2', 'Bob')
    expect((await upload(server.url, 'files-quota-2', other.joined.token, { bytes: Buffer.alloc(3000, 3), name: 'c.bin' })).status).toBe(201)
    ada.client.send({ type: 'chat', text: '', attachments: [first.body.file!.id] })
    const sent = await ada.client.next('chat')
    ada.client.send({ type: 'delete', id: sent.id })
    await ada.client.next('deleted')
    await expect.poll(async () => (await upload(server!.url, 'files-quota', ada.joined.token, { bytes: Buffer.alloc(3000, 4), name: 'd.bin' })).status).toBe(201)
  })
})

describe('file lifecycle', () => {
  it('an upload never sent is removed after its time; a sent one stays', async () => {
    server = await startServer({ NUXT_UPLOAD_PENDING_TTL_MS: '1000', NUXT_FILE_SWEEP_INTERVAL_MS: '200' })
    const ada = await joinRoom(server.wsUrl, 'files-pending', 'Ada')
    const kept = (await upload(server.url, 'files-pending', ada.joined.token, { bytes: await pngBytes(20, 20), name: 'kept.png' })).body.file!
    const dropped = (await upload(server.url, 'files-pending', ada.joined.token, { bytes: await pngBytes(20, 20), name: 'dropped.png' })).body.file!
    ada.client.send({ type: 'chat', text: 'kept', attachments: [kept.id] })
    await ada.client.next('chat')
    await expect.poll(async () => (await fetchFile(server!.url, dropped.url)).status, { timeout: 10_000 }).toBe(404)
    expect((await fetchFile(server.url, dropped.thumbUrl!)).status).toBe(404)
    expect((await fetchFile(server.url, kept.url)).status).toBe(200)
    expect((await fetchFile(server.url, kept.thumbUrl!)).status).toBe(200)
    // Too late to send it now.
    ada.client.send({ type: 'chat', text: 'late', attachments: [dropped.id] })
    expect((await ada.client.next('error')).code).toBe('BAD_REQUEST')
  }, 30_000)

  it('a room that is removed takes its files with it, and a new room of the same name does not get them', async () => {
    server = await startServer({ NUXT_ROOM_RETENTION_MS: '300', NUXT_EMPTY_ROOM_GRACE_MS: '300', NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: '100', NUXT_FILE_SWEEP_INTERVAL_MS: '200' })
    const ada = await joinRoom(server.wsUrl, 'files-room-gone', 'Ada')
    const file = (await upload(server.url, 'files-room-gone', ada.joined.token, { bytes: Buffer.from('bye'), name: 'bye.txt' })).body.file!
    ada.client.send({ type: 'chat', text: 'bye', attachments: [file.id] })
    await ada.client.next('chat')
    ada.client.send({ type: 'leave' })
    await ada.client.next('left')
    await expect.poll(async () => (await fetchFile(server!.url, file.url)).status, { timeout: 15_000 }).toBe(404)
    const again = await joinRoom(server.wsUrl, 'files-room-gone', 'Bob')
    expect(again.joined.created).toBe(true)
    expect(again.joined.history).toEqual([])
  }, 30_000)
})
