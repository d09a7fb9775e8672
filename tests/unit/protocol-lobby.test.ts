import { describe, expect, it } from 'vitest'
import { LIMITS, parseClientFrame } from '../../shared/protocol'

describe('lobby frames on the wire', () => {
  it('watch takes the lobby scope and up to 50 rooms, each a room id with a token', () => {
    expect(parseClientFrame('{"type":"watch","scope":"lobby"}')).toEqual({ ok: true, frame: { type: 'watch', scope: 'lobby' } })
    expect(parseClientFrame(JSON.stringify({ type: 'watch', scope: 'lobby', rooms: [{ id: 'a', token: 't', extra: 1 }] })))
      .toEqual({ ok: true, frame: { type: 'watch', scope: 'lobby', rooms: [{ id: 'a', token: 't' }] } })
    const full = Array.from({ length: LIMITS.lobbyMineRooms }, (_, n) => ({ id: `r${n}`, token: 't' }))
    expect(parseClientFrame(JSON.stringify({ type: 'watch', scope: 'lobby', rooms: full })).ok).toBe(true)
    for (const bad of [
      { type: 'watch' },
      { type: 'watch', scope: 'rooms' },
      { type: 'watch', scope: 'lobby', rooms: {} },
      { type: 'watch', scope: 'lobby', rooms: [...full, { id: 'one-more', token: 't' }] },
      { type: 'watch', scope: 'lobby', rooms: [{ id: 'bad id', token: 't' }] },
      { type: 'watch', scope: 'lobby', rooms: [{ id: 'a', token: '' }] },
      { type: 'watch', scope: 'lobby', rooms: [{ id: 'a', token: 'x'.repeat(LIMITS.tokenMaxLength + 1) }] },
      { type: 'unwatch' },
    ]) expect(parseClientFrame(JSON.stringify(bad))).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parseClientFrame('{"type":"unwatch","scope":"lobby"}')).toEqual({ ok: true, frame: { type: 'unwatch', scope: 'lobby' } })
  })
})
