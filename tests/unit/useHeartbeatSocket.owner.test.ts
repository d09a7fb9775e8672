// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, ada, bob, mountHeartbeatSocket, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

describe('titles and owners', () => {
  it('takes the title, owner and peer of joined, and a renamed title from a room frame', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin({ title: 'Design crit', owner: bob.id, peer: undefined })
    expect(chat.title.value).toBe('Design crit')
    expect(chat.owner.value).toBe(bob.id)
    expect(chat.peer.value).toBeUndefined()
    socket.receive({ type: 'room', roomId: 'lobby', title: 'Design review' })
    expect(chat.title.value).toBe('Design review')
  })

  it('sends a title and visibility with the join that may create the room', () => {
    mountHeartbeatSocket({ title: 'Book club', visibility: 'public' })
    FakeWebSocket.latest().open()
    expect(FakeWebSocket.latest().framesOfType('join')[0]).toMatchObject({ title: 'Book club', visibility: 'public' })
  })

  it('rename and kick go out as title and kick frames while joined', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    expect(chat.rename('New title')).toBe(true)
    expect(chat.kick(bob.id)).toBe(true)
    expect(socket.frames.slice(-2)).toEqual([{ type: 'title', title: 'New title' }, { type: 'kick', memberId: bob.id }])
  })
})

describe('removed by the owner', () => {
  it('a kicked frame ends the membership with the time a rejoin is possible, forgets the token and does not reconnect', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.receive({ type: 'kicked', roomId: 'lobby', until: 1_700_000_600_000 })
    expect(chat.ended.value).toEqual({ reason: 'kicked', until: 1_700_000_600_000 })
    expect(storage.getItem('heartbeat:token:lobby')).toBeNull()
    const sockets = FakeWebSocket.instances.length
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances.length).toBe(sockets)
  })

  it('a rejoin refused with FORBIDDEN ends for good with the wait, instead of retrying', () => {
    const { chat, storage } = mountHeartbeatSocket({ storage: undefined })
    storage.setItem('heartbeat:token:lobby', 'old-token')
    FakeWebSocket.latest().open()
    FakeWebSocket.latest().receive({ type: 'error', code: 'FORBIDDEN', message: 'removed by the owner', retryAfterMs: 300_000 })
    expect(chat.ended.value).toEqual({ reason: 'refused', code: 'FORBIDDEN', message: 'removed by the owner', retryAfterMs: 300_000 })
    expect(storage.getItem('heartbeat:token:lobby')).toBeNull()
    const sockets = FakeWebSocket.instances.length
    vi.advanceTimersByTime(60_000)
    expect(FakeWebSocket.instances.length).toBe(sockets)
  })
})

describe('private rooms', () => {
  it('openPrivateRoom sends dm; the answer stores the token for the private room and names the peer for "Your rooms"', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    expect(chat.openPrivateRoom({ id: bob.id, name: bob.name })).toBe(true)
    expect(socket.frames.at(-1)).toEqual({ type: 'dm', to: bob.id })
    socket.receive({ type: 'dm', roomId: 'dm-abc', token: 'token-dm' })
    expect(storage.getItem('heartbeat:token:dm-abc')).toBe('token-dm')
    expect(JSON.parse(storage.getItem('heartbeat:visit:dm-abc')!)).toMatchObject({ peer: 'Bob' })
    expect(chat.privateRoom.value).toEqual({ roomId: 'dm-abc' })
  })

  it('an invite is stored as the member token of the private room at once and listed until dismissed', () => {
    const { chat, storage } = mountHeartbeatSocket()
    const socket = acceptJoin()
    socket.receive({ type: 'invite', roomId: 'dm-abc', from: { id: bob.id, name: bob.name }, token: 'token-invited' })
    expect(storage.getItem('heartbeat:token:dm-abc')).toBe('token-invited')
    expect(chat.invites.value).toEqual([{ roomId: 'dm-abc', from: { id: bob.id, name: bob.name } }])
    // The same invite again is one entry, not two.
    socket.receive({ type: 'invite', roomId: 'dm-abc', from: { id: bob.id, name: bob.name }, token: 'token-invited' })
    expect(chat.invites.value).toHaveLength(1)
    chat.dismissInvite('dm-abc')
    expect(chat.invites.value).toEqual([])
    expect(storage.getItem('heartbeat:token:dm-abc')).toBe('token-invited')
  })

  it('keeps at most 20 invites, the newest first', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    for (let index = 0; index < 25; index++) {
      socket.receive({ type: 'invite', roomId: `dm-${index}`, from: { id: `m-${index}`, name: `P${index}` }, token: `t-${index}` })
    }
    expect(chat.invites.value).toHaveLength(20)
    expect(chat.invites.value[0]?.roomId).toBe('dm-24')
  })

  it('does not ask for a private room before the join', () => {
    const { chat } = mountHeartbeatSocket()
    FakeWebSocket.latest().open()
    expect(chat.openPrivateRoom({ id: ada.id, name: ada.name })).toBe(false)
  })
})
