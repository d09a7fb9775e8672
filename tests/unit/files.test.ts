import { describe, expect, it, vi } from 'vitest'
import { LIMITS, parseClientFrame } from '../../shared/protocol'
import { blobKeyOfPath, cleanFileName, contentDisposition, fileIdOfKey, newFileId, parseRoomKey, roomKeyOf } from '../../server/files/file-keys'
import { classify } from '../../server/files/file-kinds'
import { ImageGate } from '../../server/files/image-gate'
import { AddressByteBudget } from '../../server/files/storage-budget'
import { resolveRange } from '../../server/files/serve-file'
import { MemoryUploadLedger } from '../../server/files/upload-ledger'
import { describeUploadLedger, pending } from './upload-ledger.contract'

const ID = 'A'.repeat(22)

describe('the chat frame with attachments', () => {
  it('takes 1-10 distinct file ids, and then the text may be empty or missing', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: '', attachments: [ID] }))).toEqual({ ok: true, frame: { type: 'chat', text: '', attachments: [ID] } })
    expect(parseClientFrame(JSON.stringify({ type: 'chat', attachments: [ID] }))).toEqual({ ok: true, frame: { type: 'chat', text: '', attachments: [ID] } })
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: ' \n', attachments: [ID] }))).toMatchObject({ ok: true, frame: { text: '' } })
    const ten = Array.from({ length: LIMITS.attachmentsPerMessage }, (_, i) => `${'B'.repeat(20)}${String(i).padStart(2, '0')}`)
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: 'caption', attachments: ten }))).toMatchObject({ ok: true, frame: { text: 'caption', attachments: ten } })
  })

  it.each([
    ['no ids', []],
    ['eleven ids', Array.from({ length: LIMITS.attachmentsPerMessage + 1 }, (_, i) => `${'C'.repeat(20)}${String(i).padStart(2, '0')}`)],
    ['one id twice', [ID, ID]],
    ['a short id', ['abc']],
    ['a path', ['../../../../etc/passwd']],
    ['a number', [5]],
    ['not an array', ID],
  ])('refuses %s', (_case, attachments) => {
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: 'x', attachments }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('still refuses empty text without attachments, and over-long text with them', () => {
    expect(parseClientFrame('{"type":"chat","text":""}')).toMatchObject({ ok: false })
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: 't'.repeat(LIMITS.textMaxLength + 1), attachments: [ID] }))).toMatchObject({ ok: false })
  })
})

describe('classify', () => {
  it('makes images only of the five image formats found in the bytes', () => {
    expect(classify({ ext: 'png', mime: 'image/png' }, 'a.png', false)).toEqual({ kind: 'image', type: 'image/png' })
    expect(classify({ ext: 'avif', mime: 'image/avif' }, 'a', false)).toEqual({ kind: 'image', type: 'image/avif' })
    expect(classify(undefined, 'a.png', false)).toEqual({ kind: 'file', type: 'application/octet-stream' })
    expect(classify({ ext: 'tif', mime: 'image/tiff' }, 'a.tif', false)).toEqual({ kind: 'file', type: 'image/tiff' })
    expect(classify({ ext: 'ico', mime: 'image/x-icon' }, 'a.ico', false).kind).toBe('file')
  })

  it('calls a webm or mp4 audio only when it came from the recorder; sound-only containers always', () => {
    expect(classify({ ext: 'webm', mime: 'video/webm' }, 'v.webm', true)).toEqual({ kind: 'audio', type: 'audio/webm' })
    expect(classify({ ext: 'mp4', mime: 'video/mp4' }, 'v.mp4', true)).toEqual({ kind: 'audio', type: 'audio/mp4' })
    expect(classify({ ext: 'webm', mime: 'video/webm' }, 'v.webm', false)).toEqual({ kind: 'file', type: 'video/webm' })
    expect(classify({ ext: 'opus', mime: 'audio/ogg; codecs=opus' }, 'a.opus', false)).toEqual({ kind: 'audio', type: 'audio/ogg' })
    expect(classify({ ext: 'mp3', mime: 'audio/mpeg' }, 'a.mp3', false)).toEqual({ kind: 'audio', type: 'audio/mpeg' })
  })

  it('refuses programs by their bytes and by names that run on a double click', () => {
    expect(classify({ ext: 'exe', mime: 'application/x-msdownload' }, 'cat.jpg', false).kind).toBe('refused')
    expect(classify({ ext: 'elf', mime: 'application/x-elf' }, 'tool', false).kind).toBe('refused')
    expect(classify(undefined, 'invoice.PDF.bat', false).kind).toBe('refused')
    expect(classify(undefined, 'run.ps1', false).kind).toBe('refused')
    expect(classify(undefined, 'notes.txt', false).kind).toBe('file')
    expect(classify(undefined, 'script.js', false).kind).toBe('file')
  })
})

describe('file keys and names', () => {
  it('a file id carries 128 random bits in 22 base64url characters', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newFileId()))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Buffer.from(newFileId(), 'base64url')).toHaveLength(16)
  })

  it('a room key names one life of a room, and parses back', () => {
    const key = roomKeyOf({ id: 'my-room', createdAt: 1_800_000_000_000 })
    expect(parseRoomKey(key)).toEqual({ roomId: 'my-room', createdAt: 1_800_000_000_000 })
    expect(parseRoomKey('my-room')).toBeUndefined()
  })

  it('only a room key and a file id (or its thumbnail) make a blob key: no path escapes', () => {
    expect(blobKeyOfPath(`room.abc/${ID}`)).toBe(`room.abc/${ID}`)
    expect(blobKeyOfPath(`room.abc/${ID}.thumb`)).toBe(`room.abc/${ID}.thumb`)
    for (const bad of [`room.abc/${ID}.sent`, `room.abc/${ID}.meta.json`, `../x/${ID}`, `room.abc/../${ID}`, `room.abc/${ID}/x`, `room/${ID}`, 'room.abc/short', '']) {
      expect(blobKeyOfPath(bad)).toBeUndefined()
    }
    expect(fileIdOfKey(`room.abc/${ID}.sent`)).toEqual({ roomKey: 'room.abc', fileId: ID })
  })

  it('a file name loses paths, control, bidi and separator characters, and its length', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('etcpasswd')
    expect(cleanFileName('C:\\Users\\a.txt')).toBe('C:Usersa.txt')
    expect(cleanFileName('evil\u202Egnp.exe')).toBe('evilgnp.exe')
    expect(cleanFileName('a\u0000b\nc')).toBe('abc')
    // Line and paragraph separators end a line in JavaScript strings, logs and some viewers: a name keeps none.
    expect(cleanFileName('a\u2028b\u2029c\u0085d.txt')).toBe('abcd.txt')
    expect(cleanFileName('')).toBe('file')
    expect(cleanFileName('...')).toBe('file')
    expect(Array.from(cleanFileName('é'.repeat(500)))).toHaveLength(200)
  })

  it('Content-Disposition carries any name safely (RFC 6266)', () => {
    expect(contentDisposition('attachment', 'a "b".txt')).toBe('attachment; filename="a _b_.txt"; filename*=UTF-8\'\'a%20%22b%22.txt')
    expect(contentDisposition('inline', '照片 (1).png')).toBe('inline; filename="__ (1).png"; filename*=UTF-8\'\'%E7%85%A7%E7%89%87%20%281%29.png')
  })
})

describe('resolveRange', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=5-4', 'unsatisfiable'],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
  ])('%s of 1000 bytes', (header, expected) => {
    expect(resolveRange(header, 1000)).toEqual(expected)
  })
})

describeUploadLedger('MemoryUploadLedger', async () => new MemoryUploadLedger())

describe('MemoryUploadLedger', () => {
  it('an upload not sent in time cannot be sent', async () => {
    vi.useFakeTimers()
    try {
      const ledger = new MemoryUploadLedger()
      await ledger.add(pending('a'), 1000, 60_000)
      vi.advanceTimersByTime(59_999)
      await ledger.add(pending('b'), 1000, 60_000)
      vi.advanceTimersByTime(1)
      expect(await ledger.claim('r', 'm1', ['a'], undefined)).toBeUndefined()
      ledger.prune(Date.now())
      expect(await ledger.claim('r', 'm1', ['b'], undefined)).toHaveLength(1)
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('ImageGate', () => {
  /** A job that runs until its release is called. */
  function held() {
    let release!: () => void
    const done = new Promise<string>(resolve => (release = () => resolve('done')))
    return { job: () => done, release }
  }
  const ada = { member: 'r\nada', address: '10.0.0.1' }
  const bob = { member: 'q\nbob', address: '10.0.0.2' }

  it('a member flooding images holds one slot: another address\'s image starts at once', async () => {
    const gate = new ImageGate({ running: 2, waiting: 16, perMember: 2, perAddress: 4 })
    const first = held()
    const running = gate.run(ada, first.job)
    let secondRan = false
    const queued = gate.run(ada, async () => (secondRan = true))
    expect(await gate.run(bob, async () => 'bob')).toEqual({ value: 'bob' })
    expect(secondRan).toBe(false)
    first.release()
    expect(await running).toEqual({ value: 'done' })
    expect(await queued).toEqual({ value: true })
  })

  it('turns away a member, then an address, past its share in flight, and everyone past the waiting queue', async () => {
    const gate = new ImageGate({ running: 1, waiting: 2, perMember: 2, perAddress: 3 })
    const first = held()
    const jobs = [gate.run(ada, first.job), gate.run(ada, async () => 'a2')]
    expect(await gate.run(ada, async () => 'a3')).toEqual({ refused: 'member' })
    const sameAddress = { member: 'r\neve', address: ada.address }
    jobs.push(gate.run(sameAddress, async () => 'e1'))
    expect(await gate.run({ ...sameAddress, member: 'r\nmal' }, async () => 'm1')).toEqual({ refused: 'address' })
    expect(await gate.run(bob, async () => 'b1')).toEqual({ refused: 'server' })
    first.release()
    expect(await Promise.all(jobs)).toEqual([{ value: 'done' }, { value: 'a2' }, { value: 'e1' }])
    expect(await gate.run(bob, async () => 'b2')).toEqual({ value: 'b2' })
  })

  it('a failed job frees its slot and its counts', async () => {
    const gate = new ImageGate({ running: 1, waiting: 0, perMember: 1, perAddress: 1 })
    await expect(gate.run(ada, async () => {
      throw new Error('broken image')
    })).rejects.toThrow('broken image')
    expect(await gate.run(ada, async () => 'again')).toEqual({ value: 'again' })
  })
})

describe('AddressByteBudget', () => {
  const HOUR = 60 * 60 * 1000

  it('an address has its bytes for the hour, refills at that rate, and gets back what it did not keep', () => {
    const budget = new AddressByteBudget(1000)
    expect(budget.reserve('a', 800, 0)).toBe(0)
    // 300 more need 100 bytes of refill: a tenth of the hour.
    expect(budget.reserve('a', 300, 0)).toBe(HOUR / 10)
    expect(budget.reserve('b', 300, 0)).toBe(0)
    expect(budget.reserve('a', 300, HOUR / 10 - 1)).toBeGreaterThan(0)
    expect(budget.reserve('a', 300, HOUR / 10)).toBe(0)
    budget.refund('a', 300, HOUR / 10)
    expect(budget.reserve('a', 300, HOUR / 10)).toBe(0)
  })

  it('a reservation larger than the hour\'s budget asks for the whole bucket, not forever', () => {
    const budget = new AddressByteBudget(1000)
    expect(budget.reserve('a', 5000, 0)).toBe(0)
    expect(budget.reserve('a', 5000, 0)).toBe(HOUR)
  })
})
