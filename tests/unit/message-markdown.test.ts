// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomMessageText from '~/components/room/RoomMessageText.vue'
import { LIMITS } from '~/shared/protocol'

/** Renders `text` as the page does and says how long it took, parse and DOM together. */
function renderTimed(text: string) {
  const started = performance.now()
  const wrapper = mount(RoomMessageText, { props: { text } })
  const element = wrapper.element as HTMLElement
  return { element, html: wrapper.html(), ms: performance.now() - started }
}

// Generous on a loaded test machine; a parser gone quadratic takes seconds here.
const RENDER_BUDGET_MS = 500

describe('message Markdown against hostile input', () => {
  it('10,000 asterisks render as text, quickly', () => {
    const { element, ms } = renderTimed('*'.repeat(10_000))
    expect(element.textContent).toBe('*'.repeat(10_000))
    expect(element.querySelector('strong, em')).toBeNull()
    expect(ms).toBeLessThan(RENDER_BUDGET_MS)
  })

  it('unbalanced emphasis of every kind at the longest a message may be stays quick', () => {
    const text = '*a _b ~~c **d '.repeat(Math.floor(LIMITS.textMaxLength / 14))
    const { element, ms } = renderTimed(text)
    expect(element.textContent!.length).toBeGreaterThan(0)
    expect(ms).toBeLessThan(RENDER_BUDGET_MS)
  })

  it('nesting is drawn to a bounded depth; past it the message shows as written, nothing dropped', () => {
    const tenDeep = renderTimed(`${'>'.repeat(10)} ten deep`)
    expect(tenDeep.element.querySelectorAll('blockquote')).toHaveLength(10)

    const hostile = `${'>'.repeat(3_000)} deep\nand after`
    const quotes = renderTimed(hostile)
    expect(quotes.element.querySelector('blockquote')).toBeNull()
    expect(quotes.element.textContent).toBe(hostile)
    expect(quotes.ms).toBeLessThan(RENDER_BUDGET_MS)

    const lists = renderTimed(`${'- '.repeat(3_000)}x`)
    expect(lists.element.querySelectorAll('ul').length).toBeLessThanOrEqual(20)
    expect(lists.element.textContent).toContain('x')
    expect(lists.ms).toBeLessThan(RENDER_BUDGET_MS)
  })

  it('a javascript: link, in Markdown or bare, is never a link', () => {
    const { element } = renderTimed('[click](javascript:alert(1)) javascript:alert(2) <javascript:alert(3)> [x]: javascript:alert(4)')
    expect(element.querySelector('a')).toBeNull()
    expect(element.textContent).toContain('[click](javascript:alert(1))')
  })

  it('HTML shows as the text it is, and makes no element', () => {
    const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script> <b>not bold</b> &lt;entity&gt;'
    const { element, html } = renderTimed(hostile)
    expect(element.textContent).toBe(hostile)
    expect(element.querySelector('img, script, b')).toBeNull()
    expect(html).not.toContain('<img')
    expect(html).not.toContain('onerror="')
  })
})
