import { describe, expect, it } from 'vitest'
import { dayLabel, mentionQuery, mentions, typingLine } from '../../utils/conversation'
import { createTestI18n } from '../support/i18n'

function typingIn(locale: 'en' | 'zh-CN', names: string[]): string {
  const line = typingLine(names)
  return line ? createTestI18n(locale).global.t(line.key, line.params ?? {}) : ''
}

describe('conversation helpers', () => {
  it('says who is typing in one short line', () => {
    expect(typingLine([])).toBeUndefined()
    expect(typingIn('en', ['ann'])).toBe('ann is typing…')
    expect(typingIn('en', ['ann', 'ben'])).toBe('ann and ben are typing…')
    expect(typingIn('en', ['a', 'b', 'c', 'd', 'e'])).toBe('5 people are typing…')
    expect(typingIn('zh-CN', ['ann', 'ben'])).toBe('ann 和 ben 正在输入…')
    expect(typingIn('zh-CN', ['a', 'b', 'c'])).toBe('3 人正在输入…')
  })

  it('finds @name as a mention, whatever the case, but not inside a longer name', () => {
    expect(mentions('hi @Ann!', 'ann')).toBe(true)
    expect(mentions('@ann', 'Ann')).toBe(true)
    expect(mentions('hi @Anna', 'Ann')).toBe(false)
    expect(mentions('hi @Anna and @ann', 'Ann')).toBe(true)
    expect(mentions('ann without at', 'ann')).toBe(false)
    expect(mentions('@Ann Lee see this', 'Ann Lee')).toBe(true)
  })

  it('offers completion only right after an @ that starts a word', () => {
    expect(mentionQuery('hello @An', 9)).toEqual({ start: 6, query: 'An' })
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionQuery('mail me@home', 12)).toBeUndefined()
    expect(mentionQuery('@Ann done', 9)).toBeUndefined()
  })

  it('names days Today, Yesterday, then by date, in the viewer\'s locale', () => {
    const now = new Date(2026, 10, 27, 10, 0).getTime()
    expect(dayLabel(new Date(2026, 10, 27, 0, 1).getTime(), now, 'en')).toBe('Today')
    expect(dayLabel(new Date(2026, 10, 26, 23, 59).getTime(), now, 'en')).toBe('Yesterday')
    expect(dayLabel(new Date(2026, 10, 26, 23, 59).getTime(), now, 'de')).toBe('Gestern')
    expect(dayLabel(new Date(2026, 10, 20, 12).getTime(), now, 'en')).toBe('Friday, November 20')
    expect(dayLabel(new Date(2025, 0, 2, 12).getTime(), now, 'fr')).toBe('jeudi 2 janvier 2025')
  })
})
