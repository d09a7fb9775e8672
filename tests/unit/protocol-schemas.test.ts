import { describe, expect, it } from 'vitest'
import { LIMITS, droppedServerFrames, frameFits, parseClientFrame, parseServerFrame, utf8ByteLength } from '../../shared/protocol'
import type { ChatMessage, ClientFrame, ServerFrame } from '../../shared/protocol'

const FILE_ID = 'abcdefghijklmnopqrstuv'
const message: ChatMessage = {
  type: 'chat', seq: 7, id: 'm7', roomId: 'lobby', from: { id: 'u1', name: 'Ada' }, text: 'hi', at: 1000,
  clientId: 'c1', replyTo: { id: 'm6', from: { id: 'u2', name: 'Bob' }, excerpt: 'yo' }, reactions: { '👍': ['u2'] }, editedAt: 1001,
  attachments: [{ id: FILE_ID, name: 'a.png', type: 'image/png', size: 10, url: '/files/x', width: 2, height: 2, thumbUrl: '/files/t' }],
}

// One valid frame of each type the server sends.
const serverFrames: ServerFrame[] = [
  {
    type: 'joined', roomId: 'lobby', you: { id: 'u1', name: 'Ada' }, token: 't', created: true, history: [message],
    presence: { online: 1, members: 1, users: [{ id: 'u1', name: 'Ada', active: true }] }, heartbeatWindowMs: 8000,
    frameRate: { perSecond: 20, burst: 40 }, recovered: true, hasMore: true, protected: false, passwordIgnored: true,
    title: 'Lobby', visibility: 'public', owner: 'u1', peer: { id: 'u2', name: 'Bob' },
  },
  { type: 'pong', online: 1, members: 2 },
  { type: 'presence', roomId: 'lobby', online: 1, members: 2, changed: [{ id: 'u2', name: 'Bob', active: false }], left: ['u3'] },
  message,
  { type: 'chat', seq: 8, id: 'm8', roomId: 'lobby', from: { id: 'u1', name: 'Ada' }, text: '', at: 1002, deleted: true, deletedBy: 'owner' },
  { type: 'left', roomId: 'lobby' },
  { type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 500, clientId: 'c1' },
  { type: 'typing', roomId: 'lobby', ids: ['u2'] },
  { type: 'history', roomId: 'lobby', messages: [message], hasMore: false },
  { type: 'reaction', roomId: 'lobby', id: 'm7', emoji: '👍', memberId: 'u2', on: true },
  { type: 'edited', roomId: 'lobby', id: 'm7', text: 'hello', editedAt: 1003 },
  { type: 'deleted', roomId: 'lobby', id: 'm7', deletedBy: 'owner' },
  { type: 'room', roomId: 'lobby', title: 'New title' },
  { type: 'kicked', roomId: 'lobby', until: 5000 },
  { type: 'dm', roomId: 'dm-abc', token: 't2' },
  { type: 'invite', roomId: 'lobby', from: { id: 'u2', name: 'Bob' }, token: 't3' },
  {
    type: 'lobby', rooms: [{ id: 'a', title: 'A', online: 1, members: 2 }], changed: [], removed: ['b'],
    mine: [{ id: 'c', title: 'C', online: 0, members: 1, lastSeq: 4 }], mineRemoved: ['d'], refused: ['e'],
  },
]

describe('parseServerFrame', () => {
  it.each(serverFrames.map(frame => [frame.type, frame] as const))('reads a valid %s frame as it was sent', (_type, frame) => {
    const before = droppedServerFrames()
    expect(parseServerFrame(JSON.stringify(frame))).toEqual(frame)
    expect(droppedServerFrames()).toBe(before)
  })

  it.each([
    ['an unknown type', '{"type":"shout","text":"hi"}'],
    ['a frame without a type', '{"online":1}'],
    ['a pong whose count is a string', '{"type":"pong","online":"1","members":2}'],
    ['a chat without its sender', '{"type":"chat","seq":1,"id":"m1","roomId":"lobby","text":"hi","at":1}'],
    ['an error with a code the page does not know', '{"type":"error","code":"TEAPOT","message":"no"}'],
    ['a joined whose history holds a broken message', JSON.stringify({ ...serverFrames[0], history: [{ type: 'chat', seq: 'x' }] })],
    ['text that is not JSON', '{"type":"pong"'],
    ['JSON that is not an object', '[1,2]'],
    ['a binary frame', new ArrayBuffer(4)],
  ])('drops and counts %s, never casting it', (_case, data) => {
    const before = droppedServerFrames()
    expect(parseServerFrame(data)).toBeUndefined()
    expect(droppedServerFrames()).toBe(before + 1)
  })

  it('keeps only the fields the protocol defines', () => {
    expect(parseServerFrame('{"type":"pong","online":1,"members":2,"debug":"x"}')).toEqual({ type: 'pong', online: 1, members: 2 })
  })
})

describe('parseClientFrame', () => {
  const clientFrames: ClientFrame[] = [
    { type: 'ping' },
    { type: 'leave' },
    { type: 'join', roomId: 'lobby', name: 'Ada', password: 'pw', token: 't', lastSeq: 3, tabId: 'tab', title: 'Lobby', visibility: 'public', browserId: 'b', create: true },
    { type: 'chat', text: 'hi', clientId: 'c1', replyTo: 'm1' },
    { type: 'chat', text: '', attachments: [FILE_ID] },
    { type: 'typing', stop: true },
    { type: 'history', before: 9, limit: 20 },
    { type: 'react', id: 'm1', emoji: '👍' },
    { type: 'edit', id: 'm1', text: 'fixed' },
    { type: 'delete', id: 'm1' },
    { type: 'kick', memberId: 'u2', blockNetwork: true, deleteRecent: true },
    { type: 'title', title: 'Renamed' },
    { type: 'dm', to: 'u2' },
    { type: 'watch', scope: 'lobby', rooms: [{ id: 'a', token: 't' }] },
    { type: 'unwatch', scope: 'lobby' },
  ]

  it.each(clientFrames.map(frame => [frame.type, frame] as const))('takes a valid %s frame as it was sent', (_type, frame) => {
    expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame })
  })

  it('names the member id the same way in kick and dm, and the message id the same way in react, edit and delete', () => {
    const long = 'x'.repeat(LIMITS.messageIdMaxLength + 1)
    expect(parseClientFrame(JSON.stringify({ type: 'kick', memberId: long }))).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'memberId must be a member id of 1-64 characters' })
    expect(parseClientFrame(JSON.stringify({ type: 'dm', to: '' }))).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'to must be a member id of 1-64 characters' })
    for (const type of ['react', 'edit', 'delete']) {
      expect(parseClientFrame(JSON.stringify({ type, id: long, emoji: '👍', text: 'x' }))).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'id must be a message id of 1-64 characters' })
    }
  })

  it('refuses a missing field with that field\'s own message', () => {
    expect(parseClientFrame('{"type":"join","roomId":"lobby"}')).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'name must be 1-32 characters' })
    expect(parseClientFrame('{"type":"chat"}')).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'text must be a non-empty string' })
    expect(parseClientFrame('{"type":"watch"}')).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'scope must be "lobby"' })
    expect(parseClientFrame('{"type":"chat","text":"hi","attachments":[]}')).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'attachments must be 1-10 distinct file ids' })
  })
})

describe('frame size in UTF-8 bytes', () => {
  // 'é' is one UTF-16 unit and two UTF-8 bytes: counted in units, this frame would pass at any size up to the limit.
  const frameOfBytes = (bytes: number) => {
    const head = '{"type":"ping","pad":"'
    const room = bytes - head.length - 2
    return `${head}${'é'.repeat(Math.floor(room / 2))}${room % 2 ? 'a' : ''}"}`
  }

  it('takes a multi-byte frame of exactly the limit and refuses one byte more', () => {
    const atLimit = frameOfBytes(LIMITS.frameMaxBytes)
    const over = frameOfBytes(LIMITS.frameMaxBytes + 1)
    expect(new TextEncoder().encode(atLimit).length).toBe(LIMITS.frameMaxBytes)
    expect(new TextEncoder().encode(over).length).toBe(LIMITS.frameMaxBytes + 1)
    expect(over.length).toBeLessThan(LIMITS.frameMaxBytes)
    expect(parseClientFrame(atLimit)).toEqual({ ok: true, frame: { type: 'ping' } })
    expect(parseClientFrame(over)).toEqual({ ok: false, code: 'TOO_LARGE', message: `frames are limited to ${LIMITS.frameMaxBytes} bytes` })
  })

  it('counts bytes as TextEncoder does, surrogate pairs and lone surrogates included', () => {
    for (const text of ['', 'abc', 'é', '字', '👩‍💻', 'a\ud800b', '\udc00', `${'😀'.repeat(3)}\ud83d`]) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length)
    }
    expect(frameFits('😀'.repeat(LIMITS.frameMaxBytes / 4))).toBe(true)
    expect(frameFits(`${'😀'.repeat(LIMITS.frameMaxBytes / 4)}a`)).toBe(false)
  })

  it('takes a chat text of the most multi-byte characters the length limit allows', () => {
    const text = '👍'.repeat(LIMITS.textMaxLength / 2)
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text }))).toEqual({ ok: true, frame: { type: 'chat', text } })
  })
})
