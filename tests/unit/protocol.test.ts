import { describe, expect, it } from 'vitest'
import { LIMITS, checkName, checkTitle, normalizeRoomId, parseClientFrame, parseRoomId } from '../../shared/protocol'

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

describe('checkName', () => {
  it.each([
    ['fullwidth letters', '\uff41\uff4c\uff49\uff43\uff45', 'alice'],
    ['a decomposed accent', 'a\u0301lice', '\u00e1lice'],
    ['a zero-width space', 'alice\u200b', 'alice'],
    ['a zero-width joiner', 'a\u200dlice', 'alice'],
    ['a soft hyphen', 'al\u00adice', 'alice'],
    ['a right-to-left override', '\u202eecila', 'ecila'],
    ['a byte order mark and a word joiner', '\ufeffal\u2060ice', 'alice'],
    ['runs of other spaces', ' Ada\u3000\u00a0 Lovelace ', 'Ada Lovelace'],
    ['an emoji made of joined pictographs', '\u{1F469}\u{1F3FD}\u200d\u{1F4BB} Ada', '\u{1F469}\u{1F3FD}\u200d\u{1F4BB} Ada'],
  ])('normalises %s', (_case, raw, shown) => {
    expect(checkName(raw)).toEqual({ ok: true, name: shown })
  })

  it.each([
    ['only a zero-width space', '\u200b'],
    ['only a Hangul filler', '\u3164'],
    ['only combining marks', '\u0301\u0301'],
    ['a NUL', 'ali\u0000ce'],
    ['a newline inside', 'ali\nce'],
    ['a lone surrogate', 'ali\ud800ce'],
    ['an over-long name once normalised', '\ufdfa'.repeat(2)],
  ])('refuses %s', (_case, raw) => {
    expect(checkName(raw)).toMatchObject({ ok: false })
  })

  it('is what a join frame goes through', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'join', roomId: 'lobby', name: 'a\u200dlice' }))).toMatchObject({ ok: true, frame: { name: 'alice' } })
    expect(parseClientFrame(JSON.stringify({ type: 'join', roomId: 'lobby', name: '\u200b' }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })
})

describe('room settings and the owner\'s frames', () => {
  const parse = (frame: object) => parseClientFrame(JSON.stringify(frame))

  it('cleans a title like a name, keeps emoji, allows up to the limit, and leaves nothing visible as empty', () => {
    expect(checkTitle('  Ｂｏｏｋ\u200b   club 📚 ')).toEqual({ ok: true, title: 'Book club 📚' })
    expect(checkTitle('\u202ereversed')).toEqual({ ok: true, title: 'reversed' })
    expect(checkTitle('读书会')).toEqual({ ok: true, title: '读书会' })
    expect(checkTitle('é'.repeat(LIMITS.titleMaxLength))).toMatchObject({ ok: true })
    expect(checkTitle(' \u200b\u3164 ')).toEqual({ ok: true, title: '' })
    expect(checkTitle('x'.repeat(LIMITS.titleMaxLength + 1))).toMatchObject({ ok: false })
    expect(checkTitle('a\nb')).toMatchObject({ ok: false })
    expect(checkTitle(42)).toMatchObject({ ok: false })
  })

  it('a join carries a checked title and visibility', () => {
    expect(parse({ type: 'join', roomId: 'r', name: 'Ada', title: ' Tea ', visibility: 'public' })).toEqual({ ok: true, frame: { type: 'join', roomId: 'r', name: 'Ada', title: 'Tea', visibility: 'public' } })
    expect(parse({ type: 'join', roomId: 'r', name: 'Ada', visibility: 'secret' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'join', roomId: 'r', name: 'Ada', title: ['Tea'] })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('a join says create: true to make a missing room, and its room id is lower-cased', () => {
    expect(parse({ type: 'join', roomId: 'Design-Review_2', name: 'Ada', create: true })).toEqual({ ok: true, frame: { type: 'join', roomId: 'design-review_2', name: 'Ada', create: true } })
    expect(parse({ type: 'join', roomId: 'design', name: 'Ada', create: false })).toEqual({ ok: true, frame: { type: 'join', roomId: 'design', name: 'Ada' } })
    expect(parse({ type: 'join', roomId: 'design', name: 'Ada', create: 'yes' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'watch', scope: 'lobby', rooms: [{ id: 'DESIGN', token: 't' }] })).toEqual({ ok: true, frame: { type: 'watch', scope: 'lobby', rooms: [{ id: 'design', token: 't' }] } })
  })

  it('room ids are lower-cased, except the random part of a private room id, which older private rooms have in mixed case', () => {
    expect(normalizeRoomId('Design_Review-2')).toBe('design_review-2')
    expect(normalizeRoomId('DM-AbC_x-9')).toBe('dm-AbC_x-9')
    expect(parseRoomId('DESIGN')).toBe('design')
    expect(parseRoomId('no/slash')).toBeUndefined()
    expect(parseRoomId(undefined)).toBeUndefined()
  })

  it('title, kick and dm are checked frames', () => {
    expect(parse({ type: 'title', title: ' New\u200b name ' })).toEqual({ ok: true, frame: { type: 'title', title: 'New name' } })
    expect(parse({ type: 'title' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'kick', memberId: 'abc' })).toEqual({ ok: true, frame: { type: 'kick', memberId: 'abc' } })
    expect(parse({ type: 'kick', memberId: '' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'kick', memberId: 'x'.repeat(LIMITS.messageIdMaxLength + 1) })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'kick', memberId: 'abc', blockNetwork: true, deleteRecent: true })).toEqual({ ok: true, frame: { type: 'kick', memberId: 'abc', blockNetwork: true, deleteRecent: true } })
    expect(parse({ type: 'kick', memberId: 'abc', blockNetwork: false })).toEqual({ ok: true, frame: { type: 'kick', memberId: 'abc' } })
    expect(parse({ type: 'kick', memberId: 'abc', deleteRecent: 'yes' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'join', roomId: 'r', name: 'n', browserId: 'b-1' })).toMatchObject({ ok: true, frame: { browserId: 'b-1' } })
    expect(parse({ type: 'join', roomId: 'r', name: 'n', browserId: 'x'.repeat(LIMITS.browserIdMaxLength + 1) })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parse({ type: 'dm', to: 'abc' })).toEqual({ ok: true, frame: { type: 'dm', to: 'abc' } })
    expect(parse({ type: 'dm', to: 7 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })
})
