import sharp from 'sharp'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { healthDetails } from '../support/health'
import { fetchFile, pngBytes, upload, uploadFrom } from '../support/files'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

const MiB = 1024 * 1024
let server: RunningServer | undefined
/** About a kilobyte that declares 7071 x 7071 (50 megapixels): the AVIF of the issue. */
let avifBomb: Buffer
/** A PNG of 49 megapixels in a few hundred kilobytes: allowed, and seconds of work to make. */
let heavyPng: Buffer

beforeAll(async () => {
  // Encoding these takes the test process some seconds (AVIF most): done once, for every test here.
  avifBomb = await sharp({ create: { width: 7071, height: 7071, channels: 3, background: { r: 1, g: 2, b: 3 } } })
    .avif({ effort: 0, quality: 1, chromaSubsampling: '4:2:0' })
    .toBuffer()
  heavyPng = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: { r: 90, g: 10, b: 200 } } }).png({ compressionLevel: 1 }).toBuffer()
}, 120_000)

afterEach(async () => {
  closeAllClients()
  await server?.stop()
  server = undefined
})

describe('image bombs and the image queue', () => {
  it('a 1 KB AVIF that declares 7071 x 7071 is refused from its header at once, and the server\'s memory does not grow', async () => {
    expect(avifBomb.length).toBeLessThan(4096)
    server = await startServer()
    const ada = await joinRoom(server.wsUrl, 'avif-bomb', 'Ada', { create: true })
    // A first image, so that what sharp loads once is not counted.
    expect((await upload(server.url, 'avif-bomb', ada.joined.token, { bytes: await pngBytes(16, 16), name: 'warm.png' })).status).toBe(201)
    const before = (await healthDetails(server.url)).process.rssBytes
    const started = Date.now()
    const answer = await upload(server.url, 'avif-bomb', ada.joined.token, { bytes: avifBomb, name: 'bomb.avif' })
    const tookMs = Date.now() - started
    expect(answer.status).toBe(413)
    expect(answer.body.data?.code).toBe('IMAGE_TOO_LARGE')
    expect(tookMs).toBeLessThan(1000)
    expect((await healthDetails(server.url)).process.rssBytes - before).toBeLessThan(64 * MiB)
    expect((await upload(server.url, 'avif-bomb', ada.joined.token, { bytes: await pngBytes(16, 16), name: 'after.png' })).status).toBe(201)
  }, 60_000)

  it('an AVIF within its limit is taken and served as a JPEG, with its thumbnail', async () => {
    server = await startServer()
    const ada = await joinRoom(server.wsUrl, 'avif-fine', 'Ada', { create: true })
    const avif = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 100, b: 0 } } }).avif({ effort: 0 }).toBuffer()
    const answer = await upload(server.url, 'avif-fine', ada.joined.token, { bytes: avif, name: 'small.avif' })
    expect(answer.status).toBe(201)
    expect(answer.body.file).toMatchObject({ type: 'image/jpeg', width: 64, height: 48 })
    const served = await fetchFile(server.url, answer.body.file!.url)
    expect(served.headers.get('content-type')).toBe('image/jpeg')
    expect((await sharp(served.bytes).metadata()).format).toBe('jpeg')
    expect((await fetchFile(server.url, answer.body.file!.thumbUrl!)).status).toBe(200)
  })

  it('one member flooding heavy images gets 429 past its share, and another member\'s 16 x 16 PNG is made within two seconds', async () => {
    server = await startServer()
    const mallory = await joinRoom(server.wsUrl, 'image-flood', 'Mallory', { create: true }, '127.0.0.2')
    const bob = await joinRoom(server.wsUrl, 'image-calm', 'Bob', { create: true })
    const flood = Array.from({ length: 8 }, (_, i) => uploadFrom('127.0.0.2', server!.url, 'image-flood', mallory.joined.token, { bytes: heavyPng, name: `heavy-${i}.png` }))
    // Once the first heavy image is made, the flood's bodies are in and its other images are being made or waiting.
    await new Promise<void>(resolve => flood.forEach(answer => void answer.then(({ status }) => status === 201 && resolve())))
    const started = Date.now()
    const small = await upload(server.url, 'image-calm', bob.joined.token, { bytes: await pngBytes(16, 16), name: 'small.png' })
    const tookMs = Date.now() - started
    expect(small.status).toBe(201)
    expect(tookMs).toBeLessThan(2000)
    const answers = await Promise.all(flood)
    const refused = answers.filter(answer => answer.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    for (const answer of refused) {
      expect(answer.body.data?.code).toBe('RATE_LIMITED')
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(answers.filter(answer => answer.status === 201).length).toBeGreaterThan(0)
  }, 120_000)
})
