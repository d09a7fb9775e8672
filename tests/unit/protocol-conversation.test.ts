import { describe, expect, it } from 'vitest'
import { isSendableText } from '../../utils/outbox'
import { LIMITS, isOneEmoji, parseClientFrame, replyExcerpt, textWireBytes } from '../../shared/protocol'

describe('the conversation frames on the wire', () => {
  it('accepts typing, history, react, edit, delete and a reply', () => {
    expect(parseClientFrame('{"type":"typing"}')).toEqual({ ok: true, frame: { type: 'typing' } })
    expect(parseClientFrame('{"type":"typing","stop":true}')).toEqual({ ok: true, frame: { type: 'typing', stop: true } })
    expect(parseClientFrame('{"type":"history","before":51}')).toEqual({ ok: true, frame: { type: 'history', before: 51, limit: 50 } })
    expect(parseClientFrame('{"type":"history","before":51,"limit":100}')).toEqual({ ok: true, frame: { type: 'history', before: 51, limit: 100 } })
    expect(parseClientFrame('{"type":"react","id":"m1","emoji":"👍"}')).toEqual({ ok: true, frame: { type: 'react', id: 'm1', emoji: '👍' } })
    expect(parseClientFrame('{"type":"edit","id":"m1","text":"fixed"}')).toEqual({ ok: true, frame: { type: 'edit', id: 'm1', text: 'fixed' } })
    expect(parseClientFrame('{"type":"delete","id":"m1"}')).toEqual({ ok: true, frame: { type: 'delete', id: 'm1' } })
    expect(parseClientFrame('{"type":"chat","text":"yes","replyTo":"m1"}')).toEqual({ ok: true, frame: { type: 'chat', text: 'yes', replyTo: 'm1' } })
  })

  it('a thread: a chat with threadId, and the newest page of a thread asked with before Number.MAX_SAFE_INTEGER', () => {
    expect(parseClientFrame('{"type":"chat","text":"in it","threadId":"m1","clientId":"c1"}')).toEqual({ ok: true, frame: { type: 'chat', text: 'in it', threadId: 'm1', clientId: 'c1' } })
    expect(parseClientFrame(JSON.stringify({ type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: 'm1' }))).toEqual({ ok: true, frame: { type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: 'm1', limit: 50 } })
    expect(parseClientFrame(JSON.stringify({ type: 'history', before: Number.MAX_SAFE_INTEGER + 2, threadId: 'm1' }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parseClientFrame('{"type":"chat","text":"x","threadId":7}')).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it.each([
    ['history without before', '{"type":"history"}'],
    ['history before 0', '{"type":"history","before":0}'],
    ['history with a limit past 100', '{"type":"history","before":5,"limit":101}'],
    ['history with a fractional limit', '{"type":"history","before":5,"limit":2.5}'],
    ['react with two emoji', '{"type":"react","id":"m1","emoji":"👍👍"}'],
    ['react with a letter', '{"type":"react","id":"m1","emoji":"a"}'],
    ['react without an id', '{"type":"react","emoji":"👍"}'],
    ['edit with blank text', '{"type":"edit","id":"m1","text":"  "}'],
    ['edit with over-long text', JSON.stringify({ type: 'edit', id: 'm1', text: 't'.repeat(LIMITS.textMaxLength + 1) })],
    ['delete with an over-long id', JSON.stringify({ type: 'delete', id: 'i'.repeat(LIMITS.messageIdMaxLength + 1) })],
    ['a reply to a number', '{"type":"chat","text":"x","replyTo":5}'],
  ])('refuses %s with BAD_REQUEST', (_case, raw) => {
    expect(parseClientFrame(raw)).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('an emoji is one grapheme: joined families, skin tones, flags and keycaps are one; words and pairs are not', () => {
    for (const emoji of ['👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '❤️']) expect({ emoji, ok: isOneEmoji(emoji) }).toEqual({ emoji, ok: true })
    for (const text of ['', 'a', 'ab', '👍👍', '👍 ', '1', '\u0000👍']) expect({ text, ok: isOneEmoji(text) }).toEqual({ text, ok: false })
  })

  it('a keycap is a digit, # or * in the keycap; a letter in one, or the keycap alone, is refused', () => {
    for (const emoji of ['0\uFE0F\u20E3', '9\u20E3', '#\uFE0F\u20E3', '*\u20E3']) expect({ emoji, ok: isOneEmoji(emoji) }).toEqual({ emoji, ok: true })
    for (const text of ['a\u20E3', 'Z\uFE0F\u20E3', '\u20E3', '\uFE0F\u20E3', '👍\u20E3', '1\u20E3\u20E3']) expect({ text, ok: isOneEmoji(text) }).toEqual({ text, ok: false })
    expect(parseClientFrame(JSON.stringify({ type: 'react', id: 'm1', emoji: 'a\u20E3' }))).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })

  it('text is bounded in bytes as sent: 2,000 characters of U+0001 (12 KB of JSON) get TOO_LARGE, in a chat and in an edit', () => {
    const controls = '\u0001'.repeat(LIMITS.textMaxLength)
    expect(textWireBytes('\u0001')).toBe(8)
    expect(textWireBytes('é"')).toBe(6)
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: controls }))).toMatchObject({ ok: false, code: 'TOO_LARGE' })
    expect(parseClientFrame(JSON.stringify({ type: 'edit', id: 'm1', text: controls }))).toMatchObject({ ok: false, code: 'TOO_LARGE' })
    const atLimit = 'a' + '\u0001'.repeat(Math.floor((LIMITS.textMaxBytes - 3) / 6))
    expect(textWireBytes(atLimit)).toBeLessThanOrEqual(LIMITS.textMaxBytes)
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: atLimit }))).toMatchObject({ ok: true })
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: `${atLimit}\u0001` }))).toMatchObject({ ok: false, code: 'TOO_LARGE' })
    expect(isSendableText(controls)).toBe(false)
    expect(isSendableText(atLimit)).toBe(true)
    // Text that is heavy in bytes but plain stays within the limit at 2,000 characters.
    expect(parseClientFrame(JSON.stringify({ type: 'chat', text: '字'.repeat(LIMITS.textMaxLength) }))).toMatchObject({ ok: true })
  })

  it('a reply excerpt never cuts a character in two', () => {
    expect(replyExcerpt('short')).toBe('short')
    const excerpt = replyExcerpt('😀'.repeat(LIMITS.replyExcerptMaxLength + 5))
    expect([...excerpt]).toHaveLength(LIMITS.replyExcerptMaxLength)
    expect(excerpt.endsWith('😀…')).toBe(true)
  })
})
