import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fetchFile, pngBytes, upload } from '../support/files'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let redis: RunningRedis
let one: RunningServer
let two: RunningServer
let sharedDir: string

beforeAll(async () => {
  redis = await startRedis()
  sharedDir = mkdtempSync(join(tmpdir(), 'hb-shared-files-'))
  ;[one, two] = await Promise.all([1, 2].map(() => startServer({ NUXT_REDIS_URL: redis.url, NUXT_DATA_DIR: sharedDir })))
})
afterEach(() => closeAllClients())
afterAll(async () => {
  await Promise.all([one, two].map(server => server.stop()))
  await redis.kill()
  rmSync(sharedDir, { recursive: true, force: true })
})

describe('files with two instances on one Redis and a shared files folder', () => {
  it('an image uploaded through one instance is shown to a member on the other: the message carries it and its URLs answer there', async () => {
    const ada = await joinRoom(one.wsUrl, 'files-shared', 'Ada')
    const bob = await joinRoom(two.wsUrl, 'files-shared', 'Bob')
    const file = (await upload(one.url, 'files-shared', ada.joined.token, { bytes: await pngBytes(300, 200), name: 'view.png' })).body.file!
    expect(file).toMatchObject({ type: 'image/png', width: 300, height: 200 })
    ada.client.send({ type: 'chat', text: 'look', attachments: [file.id] })
    const seen = await bob.client.next('chat')
    expect(seen.attachments).toEqual([file])
    const served = await fetchFile(two.url, file.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect((await sharp(served.bytes).metadata()).width).toBe(300)
    expect((await fetchFile(two.url, file.thumbUrl!)).status).toBe(200)
  })

  it('an upload made through one instance is sent through the other', async () => {
    const ada = await joinRoom(one.wsUrl, 'files-across', 'Ada')
    const adaOnTwo = await joinRoom(two.wsUrl, 'files-across', 'Ada', { token: ada.joined.token })
    const file = (await upload(one.url, 'files-across', ada.joined.token, { bytes: Buffer.from('across'), name: 'across.txt' })).body.file!
    adaOnTwo.client.send({ type: 'chat', text: 'from two', attachments: [file.id] })
    expect((await ada.client.next('chat')).attachments).toEqual([file])
  })

  it('an id sent through both instances at the same time goes out once', async () => {
    const ada = await joinRoom(one.wsUrl, 'files-once', 'Ada')
    const adaOnTwo = await joinRoom(two.wsUrl, 'files-once', 'Ada', { token: ada.joined.token })
    for (let round = 0; round < 5; round++) {
      const file = (await upload(one.url, 'files-once', ada.joined.token, { bytes: Buffer.from(`once ${round}`), name: 'once.txt' })).body.file!
      ada.client.send({ type: 'chat', text: 'from one', attachments: [file.id] })
      adaOnTwo.client.send({ type: 'chat', text: 'from two', attachments: [file.id] })
      const sent = await ada.client.next('chat')
      expect(sent.attachments).toEqual([file])
      const refusals = () => [...ada.client.frames, ...adaOnTwo.client.frames].filter(frame => frame.type === 'error')
      await expect.poll(() => refusals().length).toBe(round + 1)
      expect(refusals().every(frame => frame.code === 'BAD_REQUEST')).toBe(true)
    }
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(ada.client.frames.filter(frame => frame.type === 'chat')).toHaveLength(5)
  })
})
