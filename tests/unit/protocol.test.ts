import { describe, expect, it } from 'vitest'
import { LIMITS, parseClientFrame } from '../../shared/protocol'

describe('parseClientFrame', () => {
  it('accepts the four client frames and trims the name', () => {
    expect(parseClientFrame('{"type":"join","roomId":"a-b_1","name":"  Ada ","password":"pw","token":"t"}'))
      .toEqual({ ok: true, frame: { type: 'join', roomId: 'a-b_1', name: 'Ada', password: 'pw', token: 't' } })
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ ok: true, frame: { type: 'ping' } })
    expect(parseClientFrame('{"type":"chat","text":"hi","clientId":"c1"}')).toEqual({ ok: true, frame: { type: 'chat', text: 'hi', clientId: 'c1' } })
    expect(parseClientFrame('{"type":"leave","extra":1}')).toEqual({ ok: true, frame: { type: 'leave' } })
  })

  it.each([
    ['null', 'null'],
    ['an array', '[1,2]'],
    ['a number type', '{"type":7}'],
    ['a room id with a slash', '{"type":"join","roomId":"a/b","name":"Ada"}'],
    ['an over-long room id', JSON.stringify({ type: 'join', roomId: 'r'.repeat(LIMITS.roomIdMaxLength + 1), name: 'Ada' })],
    ['a blank name', '{"type":"join","roomId":"lobby","name":"   "}'],
    ['an over-long name', JSON.stringify({ type: 'join', roomId: 'lobby', name: 'n'.repeat(LIMITS.nameMaxLength + 1) })],
    ['a numeric password', '{"type":"join","roomId":"lobby","name":"Ada","password":5}'],
    ['blank text', '{"type":"chat","text":" \\n "}'],
    ['over-long text', JSON.stringify({ type: 'chat', text: 't'.repeat(LIMITS.textMaxLength + 1) })],
    ['an object as clientId', '{"type":"chat","text":"hi","clientId":{}}'],
  ])('refuses %s with BAD_REQUEST', (_case, raw) => {
    expect(parseClientFrame(raw)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('refuses a frame over the size limit before parsing it', () => {
    expect(parseClientFrame(' '.repeat(LIMITS.frameMaxBytes + 1))).toMatchObject({ ok: false, code: 'TOO_LARGE' })
  })
})
