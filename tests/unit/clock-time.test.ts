// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { formatClockTime } from '../../utils/clock-time'
import { fullDateTime } from '../../utils/conversation'

const morning = new Date(2026, 10, 27, 9, 7).getTime()
const evening = new Date(2026, 10, 27, 21, 45).getTime()

afterEach(() => {
  document.documentElement.lang = ''
})

describe('times as the page\'s language writes them', () => {
  it('English has a 12-hour clock, Chinese a 24-hour one', () => {
    expect(formatClockTime(morning, 'en')).toBe('9:07 AM')
    expect(formatClockTime(evening, 'en')).toBe('9:45 PM')
    expect(formatClockTime(morning, 'zh-CN')).toBe('09:07')
    expect(formatClockTime(evening, 'zh-CN')).toBe('21:45')
  })

  it('without a locale, the page\'s <html lang> decides (it follows the switcher)', () => {
    document.documentElement.lang = 'zh-CN'
    expect(formatClockTime(evening)).toBe('21:45')
    expect(fullDateTime(evening)).toContain('2026年11月27日')
    document.documentElement.lang = 'en'
    expect(formatClockTime(evening)).toBe('9:45 PM')
    expect(fullDateTime(evening)).toContain('November 27, 2026')
  })
})
