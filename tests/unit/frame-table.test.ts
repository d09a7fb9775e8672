import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { dispatchFrame, FRAME_ROWS, FRAME_TABLE, frameTable } from '../../server/rooms/frames'
import type { FrameContext, FrameTable } from '../../server/rooms/frames'
import { RoomHub } from '../../server/rooms/room-hub'
import type { Session } from '../../server/rooms/session-index'
import { FakeConnection } from '../support/fake-connection'

let hub: RoomHub | undefined

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  hub?.stop()
  hub = undefined
  vi.useRealTimers()
})

async function joinedPair() {
  hub = new RoomHub({ heartbeatWindowMs: 8000, log: () => {} })
  hub.start()
  const ada = new FakeConnection()
  const bob = new FakeConnection()
  for (const [conn, name] of [[ada, 'Ada'], [bob, 'Bob']] as const) {
    hub.open(conn)
    hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'kitchen', name, create: true }))
    await conn.waitFor('joined')
    await vi.advanceTimersByTimeAsync(0)
  }
  return { hub, ada, bob }
}

describe('the frame table', () => {
  it('has a row for every client frame type, and only those', () => {
    expect([...FRAME_TABLE.keys()].sort()).toEqual(Object.keys(FRAME_ROWS).sort())
    expect(FRAME_TABLE.get('constructor')).toBeUndefined()
  })

  it('a frame type the protocol does not know gets an error frame, and its member stays in the room', async () => {
    const { hub, ada, bob } = await joinedPair()
    hub.receive(ada, JSON.stringify({ type: 'shout', text: 'hi' }))
    await vi.advanceTimersByTimeAsync(0)
    expect(ada.last()).toMatchObject({ type: 'error', code: 'BAD_REQUEST' })
    expect(ada.of('left')).toEqual([])
    hub.receive(ada, JSON.stringify({ type: 'chat', text: 'still here' }))
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(200)
    expect(bob.of('chat').map(message => message.text)).toEqual(['still here'])
    expect(bob.of('presence').flatMap(frame => frame.left)).toEqual([])
  })

  it('a frame type its table lacks is refused with an error frame, and no other handler runs', async () => {
    const table = new Map(FRAME_TABLE) as Map<string, unknown>
    table.delete('leave')
    const sendError = vi.fn()
    const removeMember = vi.fn(async () => {})
    const context = { sendError, removals: { removeMember, memberGone: vi.fn() } } as unknown as FrameContext
    const session = { member: { id: 'a', name: 'Ada', roomId: 'kitchen' }, closed: false } as unknown as Session
    await dispatchFrame(table as FrameTable, session, { type: 'leave' }, context)
    expect(sendError).toHaveBeenCalledWith(session, 'BAD_REQUEST', 'unknown frame type "leave"')
    expect(removeMember).not.toHaveBeenCalled()
    await dispatchFrame(FRAME_TABLE, session, { type: 'leave' }, context)
    expect(removeMember).toHaveBeenCalledWith('kitchen', 'a')
  })

  it('a frame whose row needs a member is refused with NOT_JOINED before its handler runs', async () => {
    const sendError = vi.fn()
    const removeMember = vi.fn(async () => {})
    const context = { sendError, removals: { removeMember, memberGone: vi.fn() } } as unknown as FrameContext
    await dispatchFrame(FRAME_TABLE, { member: undefined, closed: false } as unknown as Session, { type: 'leave' }, context)
    expect(sendError).toHaveBeenCalledWith(expect.anything(), 'NOT_JOINED', 'join a room before sending leave')
    expect(removeMember).not.toHaveBeenCalled()
  })

  it('a table without a row for a client frame type does not compile', () => {
    const { leave: _leave, ...withoutLeave } = FRAME_ROWS
    // @ts-expect-error every ClientFrame type must have a row: 'leave' is missing
    expect(() => frameTable(withoutLeave)).not.toThrow()
    // @ts-expect-error a row's handler must take the frame of its own type
    frameTable({ ...FRAME_ROWS, leave: FRAME_ROWS.chat })
  })
})
