// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import RoomThreadSummary from '~/components/room/RoomThreadSummary.vue'
import { useTestLocale } from '~/tests/support/i18n'

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)

function summary(replyCount: number, lastReplyAt: number) {
  return mount(RoomThreadSummary, { props: { thread: { replyCount, lastReplyAt }, sender: 'Ada' } })
}

/** The words on screen, without the name that only a screen reader hears. */
const shown = (wrapper: ReturnType<typeof summary>) => wrapper.findAll('span:not(.visually-hidden)').map(span => span.text()).join('')

describe('RoomThreadSummary', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  it('says how many replies and how long ago the last came, with proper plurals', () => {
    expect(shown(summary(3, NOW - 2 * 60_000))).toBe('3 replies·last reply 2 min. ago')
    expect(shown(summary(1, NOW - 10_000))).toBe('1 reply·last reply just now')
    expect(shown(summary(12, NOW - 5 * 3_600_000))).toBe('12 replies·last reply 5 hr. ago')
  })

  it('stays true as time passes: "just now" turns into minutes at the minute, not before', async () => {
    const wrapper = summary(2, NOW)
    expect(wrapper.text()).toContain('last reply just now')
    await vi.advanceTimersByTimeAsync(59_999)
    expect(wrapper.text()).toContain('last reply just now')
    await vi.advanceTimersByTimeAsync(1)
    expect(wrapper.text()).toContain('last reply 1 min. ago')
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    expect(wrapper.text()).toContain('last reply 1 hr. ago')
    // A new reply starts the clock again.
    await wrapper.setProps({ thread: { replyCount: 3, lastReplyAt: Date.now() } })
    expect(wrapper.text()).toContain('3 replies')
    expect(wrapper.text()).toContain('last reply just now')
    wrapper.unmount()
  })

  it('is a button named for the thread it opens, and says it in Chinese too', async () => {
    const wrapper = summary(3, NOW - 2 * 60_000)
    const button = wrapper.get('button[data-testid="thread-summary"]')
    expect(button.text()).toBe('Open the thread of Ada’s message: 3 replies · last reply 2 min. ago')
    await button.trigger('click')
    expect(wrapper.emitted('open')).toHaveLength(1)

    useTestLocale('zh-CN')
    const chinese = summary(3, NOW - 2 * 60_000)
    expect(shown(chinese)).toBe('3 条回复·最后回复 2分钟前')
  })
})
