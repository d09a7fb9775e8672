import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol'
import { fetchFile, jpegWithGps, oggOpusBytes, pngBytes, pngClaiming, upload, webmBytes } from '../support/files'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'
import { closeAllClients, joinRoom } from '../support/ws-client'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
})
afterEach(() => closeAllClients())
afterAll(() => server.stop())

const SAFE_HEADERS = { 'x-content-type-options': 'nosniff', 'content-security-policy': 'default-src \'none\'; sandbox' }

function expectSafeHeaders(headers: Headers) {
  for (const [name, value] of Object.entries(SAFE_HEADERS)) expect(headers.get(name)).toBe(value)
}

describe('uploads, one of each kind', () => {
  it('an image comes back with its size and a thumbnail, served inline with its real type, and reaches the room in a message', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-image', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'files-image', 'Bob')
    const answer = await upload(server.url, 'files-image', ada.joined.token, { bytes: await pngBytes(640, 480), name: 'cat.png', type: 'image/png' })
    expect(answer.status).toBe(201)
    const file = answer.body.file!
    expect(file).toMatchObject({ name: 'cat.png', type: 'image/png', width: 640, height: 480 })
    expect(file.url).toMatch(/^\/files\/files-image\.[0-9a-z]+\/[A-Za-z0-9_-]{22}$/)
    const served = await fetchFile(server.url, file.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('content-disposition')).toMatch(/^inline;/)
    expectSafeHeaders(served.headers)
    expect((await sharp(served.bytes).metadata()).format).toBe('png')
    const head = await fetch(`${server.url}${file.url}`, { method: 'HEAD' })
    expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).toEqual([200, 'image/png', String(file.size)])
    expectSafeHeaders(head.headers)
    const thumb = await fetchFile(server.url, file.thumbUrl!)
    expect(thumb.status).toBe(200)
    expect(thumb.headers.get('content-type')).toBe('image/webp')
    expectSafeHeaders(thumb.headers)
    const thumbSize = await sharp(thumb.bytes).metadata()
    expect([thumbSize.width, thumbSize.height]).toEqual([320, 240])

    ada.client.send({ type: 'chat', text: '', attachments: [file.id], clientId: 'c1' })
    const seen = await bob.client.next('chat') as ChatMessage
    expect(seen.attachments).toEqual([file])
    expect(seen.text).toBe('')
    const later = await joinRoom(server.wsUrl, 'files-image', 'Cy')
    expect(later.joined.history.at(-1)!.attachments).toEqual([file])
  })

  it('a generic file is a download of no particular type, under the name it was sent with', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-generic', 'Ada')
    const answer = await upload(server.url, 'files-generic', ada.joined.token, { bytes: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), name: 'Résumé 2026.pdf', type: 'application/pdf' })
    expect(answer.status).toBe(201)
    expect(answer.body.file).toMatchObject({ name: 'Résumé 2026.pdf', type: 'application/pdf' })
    expect(answer.body.file!.thumbUrl).toBeUndefined()
    const served = await fetchFile(server.url, answer.body.file!.url)
    expect(served.headers.get('content-type')).toBe('application/octet-stream')
    expect(served.headers.get('content-disposition')).toBe('attachment; filename="R_sum_ 2026.pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%202026.pdf')
    expectSafeHeaders(served.headers)
    expect(served.bytes.toString()).toContain('%PDF-1.4')
  })

  it('a voice clip (webm from the recorder, with its duration) is audio, served inline and seekable with Range', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-voice', 'Ada')
    const clip = webmBytes(8192)
    const answer = await upload(server.url, 'files-voice', ada.joined.token, { bytes: clip, name: 'voice.webm', type: 'audio/webm;codecs=opus', durationMs: 4200 })
    expect(answer.status).toBe(201)
    expect(answer.body.file).toMatchObject({ type: 'audio/webm', durationMs: 4200, size: 8192 })
    const whole = await fetchFile(server.url, answer.body.file!.url)
    expect(whole.headers.get('content-type')).toBe('audio/webm')
    expect(whole.headers.get('content-disposition')).toMatch(/^inline;/)
    expectSafeHeaders(whole.headers)
    const part = await fetchFile(server.url, answer.body.file!.url, { range: 'bytes=100-199' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 100-199/8192')
    expect(part.bytes.equals(clip.subarray(100, 200))).toBe(true)
    const tail = await fetchFile(server.url, answer.body.file!.url, { range: 'bytes=-10' })
    expect(tail.bytes.equals(clip.subarray(-10))).toBe(true)
    expect((await fetchFile(server.url, answer.body.file!.url, { range: 'bytes=9000-' })).status).toBe(416)
  })

  it('an Ogg Opus file is audio even without a duration; a webm without one is a download', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-ogg', 'Ada')
    const ogg = await upload(server.url, 'files-ogg', ada.joined.token, { bytes: oggOpusBytes(), name: 'song.opus' })
    expect(ogg.body.file).toMatchObject({ type: 'audio/ogg' })
    expect(ogg.body.file!.durationMs).toBeUndefined()
    const video = await upload(server.url, 'files-ogg', ada.joined.token, { bytes: webmBytes(), name: 'film.webm' })
    expect(video.body.file).toMatchObject({ type: 'video/webm' })
    expect((await fetchFile(server.url, video.body.file!.url)).headers.get('content-disposition')).toMatch(/^attachment;/)
  })
})

describe('type by content', () => {
  it('an HTML page named .png and declared image/png is a download of no particular type', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-html', 'Ada')
    const answer = await upload(server.url, 'files-html', ada.joined.token, { bytes: Buffer.from('<!doctype html><script>alert(document.cookie)</script>'), name: 'cute.png', type: 'image/png' })
    expect(answer.status).toBe(201)
    expect(answer.body.file).toMatchObject({ type: 'application/octet-stream', name: 'cute.png' })
    expect(answer.body.file!.width).toBeUndefined()
    const served = await fetchFile(server.url, answer.body.file!.url)
    expect(served.headers.get('content-type')).toBe('application/octet-stream')
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/)
    expectSafeHeaders(served.headers)
  })

  it('an SVG (it can carry script) is a download, never an image', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-svg', 'Ada')
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
    const answer = await upload(server.url, 'files-svg', ada.joined.token, { bytes: Buffer.from(svg), name: 'logo.svg', type: 'image/svg+xml' })
    expect(answer.body.file).toMatchObject({ type: 'application/octet-stream' })
    const served = await fetchFile(server.url, answer.body.file!.url)
    expect(served.headers.get('content-type')).toBe('application/octet-stream')
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/)
  })

  it('a file declared image/png that is random bytes is not an image', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-fake-png', 'Ada')
    const answer = await upload(server.url, 'files-fake-png', ada.joined.token, { bytes: Buffer.from('just some text, honestly'), name: 'photo.png', type: 'image/png' })
    expect(answer.body.file).toMatchObject({ type: 'application/octet-stream' })
    expect(answer.body.file!.thumbUrl).toBeUndefined()
  })

  it('a JPEG with a GPS position comes back without any EXIF, turned the way the camera meant', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-gps', 'Ada')
    const original = await jpegWithGps(400, 200)
    const originalExif = (await sharp(original).metadata()).exif!
    expect(originalExif.toString('latin1')).toContain('exif-marker-artist')
    // Tag 0x8825, little-endian: the pointer to the GPS block.
    expect(originalExif.includes(Buffer.from([0x25, 0x88]))).toBe(true)
    const answer = await upload(server.url, 'files-gps', ada.joined.token, { bytes: original, name: 'holiday.jpg' })
    expect(answer.body.file).toMatchObject({ type: 'image/jpeg', width: 200, height: 400 })
    for (const url of [answer.body.file!.url, answer.body.file!.thumbUrl!]) {
      const served = await fetchFile(server.url, url)
      const metadata = await sharp(served.bytes).metadata()
      expect(metadata.exif).toBeUndefined()
      expect(metadata.orientation ?? 1).toBe(1)
      expect(metadata.width).toBeLessThan(metadata.height!)
      expect(served.bytes.toString('latin1')).not.toContain('exif-marker-artist')
    }
  })
})

describe('refusals', () => {
  it('401 without a member token of that room, and for a token of another room', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-401-a', 'Ada')
    await joinRoom(server.wsUrl, 'files-401-b', 'Bob')
    const bytes = await pngBytes(10, 10)
    const none = await upload(server.url, 'files-401-b', undefined, { bytes, name: 'a.png' })
    expect(none.status).toBe(401)
    expect(none.body.data?.code).toBe('INVALID_TOKEN')
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    const elsewhere = await upload(server.url, 'files-401-b', ada.joined.token, { bytes, name: 'a.png' })
    expect(elsewhere.status).toBe(401)
    expect((await upload(server.url, 'files-401-b', 'made-up', { bytes, name: 'a.png' })).status).toBe(401)
  })

  it('415 for a program, by its bytes or by a name that would run it', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-415', 'Ada')
    const exe = await upload(server.url, 'files-415', ada.joined.token, { bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512)]), name: 'holiday.jpg' })
    expect(exe.status).toBe(415)
    expect(exe.body.data?.code).toBe('UNSUPPORTED_TYPE')
    const script = await upload(server.url, 'files-415', ada.joined.token, { bytes: Buffer.from('echo hi'), name: 'invoice.pdf.bat' })
    expect(script.status).toBe(415)
  })

  it('413 for a small PNG that would decode to 30,000 x 30,000 pixels, and the server goes on', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-bomb', 'Ada')
    const bomb = await pngClaiming(30_000, 30_000)
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(30_000)
    const answer = await upload(server.url, 'files-bomb', ada.joined.token, { bytes: bomb, name: 'bomb.png' })
    expect(answer.status).toBe(413)
    expect(answer.body.data?.code).toBe('IMAGE_TOO_LARGE')
    expect(answer.body.data?.message).toMatch(/megapixels/)
    expect((await upload(server.url, 'files-bomb', ada.joined.token, { bytes: await pngBytes(10, 10), name: 'fine.png' })).status).toBe(201)
  })

  it('415 for bytes that start like a PNG but are not one', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-broken-png', 'Ada')
    const png = await pngBytes(50, 50)
    const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)])
    const answer = await upload(server.url, 'files-broken-png', ada.joined.token, { bytes: broken, name: 'broken.png' })
    expect(answer.status).toBe(415)
  })
})

describe('attaching', () => {
  it('only ids this member uploaded to this room and has not sent: another room, another member, twice and unknown are BAD_REQUEST', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-claim', 'Ada')
    const bob = await joinRoom(server.wsUrl, 'files-claim', 'Bob')
    const adaElsewhere = await joinRoom(server.wsUrl, 'files-claim-other', 'Ada')
    const mine = (await upload(server.url, 'files-claim', ada.joined.token, { bytes: Buffer.from('one'), name: 'one.txt' })).body.file!
    const elsewhere = (await upload(server.url, 'files-claim-other', adaElsewhere.joined.token, { bytes: Buffer.from('two'), name: 'two.txt' })).body.file!

    bob.client.send({ type: 'chat', text: 'not mine', attachments: [mine.id] })
    expect((await bob.client.next('error')).code).toBe('BAD_REQUEST')
    ada.client.send({ type: 'chat', text: 'from the other room', attachments: [elsewhere.id] })
    expect((await ada.client.next('error')).code).toBe('BAD_REQUEST')
    ada.client.send({ type: 'chat', text: 'unknown', attachments: ['A'.repeat(22)] })
    expect((await ada.client.next('error')).code).toBe('BAD_REQUEST')
    // A refused message takes nothing: the file is still there to send, once.
    ada.client.send({ type: 'chat', text: 'mixed', attachments: [mine.id, elsewhere.id] })
    expect((await ada.client.next('error')).code).toBe('BAD_REQUEST')
    ada.client.send({ type: 'chat', text: 'here it is', attachments: [mine.id] })
    expect((await bob.client.next('chat')).attachments).toEqual([mine])
    ada.client.send({ type: 'chat', text: 'again', attachments: [mine.id] })
    expect((await ada.client.next('error')).code).toBe('BAD_REQUEST')
    expect(bob.client.frames.filter(frame => frame.type === 'chat')).toHaveLength(1)
  })

  it('a refused message is named by its clientId, so the page can stop re-sending it', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-refused-named', 'Ada')
    ada.client.send({ type: 'chat', text: 'gone file', clientId: 'c-expired', attachments: ['B'.repeat(22)] })
    const refusal = await ada.client.next('error')
    expect(refusal).toMatchObject({ code: 'BAD_REQUEST', clientId: 'c-expired' })
    ada.client.send({ type: 'chat', text: 'to nothing', clientId: 'c-reply', replyTo: 'no-such-message' })
    expect(await ada.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'c-reply' })
  })

  it('a resend of the same message (same clientId) gets the original back, not a second message', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-resend', 'Ada')
    const file = (await upload(server.url, 'files-resend', ada.joined.token, { bytes: Buffer.from('once'), name: 'once.txt' })).body.file!
    ada.client.send({ type: 'chat', text: 'x', clientId: 'same', attachments: [file.id] })
    const first = await ada.client.next('chat')
    ada.client.send({ type: 'chat', text: 'x', clientId: 'same', attachments: [file.id] })
    const again = await ada.client.next('chat')
    expect(again.seq).toBe(first.seq)
    expect(again.attachments).toEqual([file])
  })

  it('deleting the message removes its files', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-delete', 'Ada')
    const file = (await upload(server.url, 'files-delete', ada.joined.token, { bytes: await pngBytes(30, 30), name: 'x.png' })).body.file!
    ada.client.send({ type: 'chat', text: '', attachments: [file.id] })
    const sent = await ada.client.next('chat')
    expect((await fetchFile(server.url, file.url)).status).toBe(200)
    ada.client.send({ type: 'delete', id: sent.id })
    await ada.client.next('deleted')
    await expect.poll(async () => (await fetchFile(server.url, file.url)).status).toBe(404)
    expect((await fetchFile(server.url, file.thumbUrl!)).status).toBe(404)
  })

  it('a history full of images loads at once: file downloads have their own bucket, and page requests keep theirs', async () => {
    const ada = await joinRoom(server.wsUrl, 'files-many', 'Ada')
    const file = (await upload(server.url, 'files-many', ada.joined.token, { bytes: await pngBytes(20, 20), name: 'x.png' })).body.file!
    // 150 at once: past the page and API burst (60), within the files' (400).
    const statuses = await Promise.all(Array.from({ length: 150 }, async (_, i) => (await fetchFile(server.url, i % 2 ? file.url : file.thumbUrl!)).status))
    expect(statuses.filter(status => status !== 200)).toEqual([])
    expect((await fetch(`${server.url}/api/rooms/files-many`)).status).toBe(200)
  })

  it('a guessed or malformed file URL is a 404 with the same safe headers', async () => {
    const guessed = await fetchFile(server.url, `/files/files-image.abc/${'B'.repeat(22)}`)
    expect(guessed.status).toBe(404)
    expectSafeHeaders(guessed.headers)
    expect((await fetchFile(server.url, '/files/../../rooms.db')).status).toBe(404)
    expect((await fetchFile(server.url, '/files/a.b/..%2F..%2Frooms.db')).status).toBe(404)
  })
})
