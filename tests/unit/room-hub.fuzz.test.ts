import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { ERROR_CODES } from '../../shared/protocol'
import type { ServerFrame } from '../../shared/protocol'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

// Generated room ids are lowercase, so they can never name the bystanders' room.
const CALM_ROOM = 'CALM'
const SERVER_FRAME_TYPES = new Set(['joined', 'pong', 'presence', 'chat', 'left', 'error'])

const roomId = fc.stringMatching(/^[a-z0-9_-]{1,8}$/)
const validFrame = fc.oneof(
  fc.record({ type: fc.constant('join'), roomId, name: fc.string({ minLength: 1, maxLength: 40 }), token: fc.option(fc.string(), { nil: undefined }), lastSeq: fc.option(fc.integer({ min: -2, max: 50 }), { nil: undefined }), create: fc.option(fc.constant(true), { nil: undefined }) }),
  fc.constant({ type: 'ping' }),
  fc.record({ type: fc.constant('chat'), text: fc.string({ maxLength: 60 }), clientId: fc.option(fc.string({ maxLength: 70 }), { nil: undefined }) }),
  fc.constant({ type: 'leave' }),
)
// A valid frame with one field replaced by any JSON value, or with a field added.
const mutatedFrame = fc.tuple(validFrame, fc.constantFrom('type', 'roomId', 'name', 'text', 'token', 'lastSeq', 'clientId', 'password', 'create'), fc.jsonValue())
  .map(([frame, key, value]) => ({ ...frame, [key]: value }))
const rawFrame = fc.oneof(
  validFrame.map(frame => JSON.stringify(frame)),
  mutatedFrame.map(frame => JSON.stringify(frame)),
  fc.jsonValue().map(value => JSON.stringify(value)),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
)

function isValidServerFrame(frame: ServerFrame): boolean {
  if (!SERVER_FRAME_TYPES.has(frame.type)) return false
  if (frame.type === 'error') return (ERROR_CODES as readonly string[]).includes(frame.code) && typeof frame.message === 'string'
  return true
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0))

describe('the frame handler under random input', () => {
  it('never throws, answers only valid frames, and leaves other rooms untouched', async () => {
    // Every fake socket has one address: the per-address quotas have tests of their own.
    const hub = new RoomHub({ log: () => {}, framesPerSecond: 1e6, frameBurst: 1e6, membersPerAddress: 1e6, roomsPerAddressPerMinute: 1e6, passwordHashesPerMinute: 1e6 })
    const calm = [new FakeConnection(), new FakeConnection()]
    for (const [i, conn] of calm.entries()) {
      hub.open(conn)
      hub.receive(conn, JSON.stringify({ type: 'join', roomId: CALM_ROOM, name: `calm${i}`, create: true }))
      await conn.waitFor('joined')
    }
    hub.receive(calm[0]!, '{"type":"chat","text":"steady"}')
    await calm[1]!.waitFor('chat')
    await settle()
    const calmBefore = { summary: await hub.summary(CALM_ROOM), history: await hub.store.recentMessages(CALM_ROOM, 50) }
    const calmFrameCounts = calm.map(conn => conn.frames.length)
    const seenTypes = new Set<string>()

    await fc.assert(fc.asyncProperty(fc.array(rawFrame, { minLength: 1, maxLength: 30 }), fc.boolean(), async (frames, pace) => {
      const conn = new FakeConnection()
      hub.open(conn)
      for (const [i, raw] of frames.entries()) {
        expect(() => hub.receive(conn, raw, Buffer.byteLength(raw))).not.toThrow()
        // Half the runs let each frame be handled before the next, half send them back to back.
        if (pace && i % 2 === 0) await settle()
      }
      // A join into a protected room waits for scrypt, which a busy machine makes slow.
      await vi.waitFor(() => expect(conn.frames.length).toBeGreaterThan(0), { timeout: 5000, interval: 5 })
      hub.close(conn)
      await settle()
      expect(conn.frames.every(isValidServerFrame)).toBe(true)
      for (const frame of conn.frames) seenTypes.add(frame.type === 'error' ? `error:${frame.code}` : frame.type)
    }), { numRuns: 300 })

    // The generator reaches the handler's paths, not only its parse errors.
    expect([...seenTypes]).toEqual(expect.arrayContaining(['joined', 'pong', 'chat', 'left', 'error:BAD_REQUEST', 'error:NOT_JOINED']))

    expect(await hub.summary(CALM_ROOM)).toEqual(calmBefore.summary)
    expect(await hub.store.recentMessages(CALM_ROOM, 50)).toEqual(calmBefore.history)
    expect(calm.map(conn => conn.frames.length)).toEqual(calmFrameCounts)
    hub.stop()
  }, 60_000)
})
