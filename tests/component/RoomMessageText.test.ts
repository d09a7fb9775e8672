// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomMessageText from '~/components/room/RoomMessageText.vue'
import RoomMessageItem from '~/components/room/RoomMessageItem.vue'

function shown(text: string) {
  return mount(RoomMessageText, { props: { text } })
}

describe('RoomMessageText formatting', () => {
  it('draws bold, both italics, strike and inline code as their elements', () => {
    const text = shown('**loud** *soft* _also soft_ ~~gone~~ `npm test`')
    expect(text.get('strong').text()).toBe('loud')
    expect(text.findAll('em').map(em => em.text())).toEqual(['soft', 'also soft'])
    expect(text.get('s').text()).toBe('gone')
    expect(text.get('code').text()).toBe('npm test')
    expect(text.get('[data-testid="message-text"]').text()).toBe('loud soft also soft gone npm test')
  })

  it('keeps a fenced code block as written, its spacing and its markup characters', () => {
    const text = shown('look:\n```\nif (a  <  b) {\n    **not bold**\n}\n```')
    const block = text.get('pre')
    expect(block.element.textContent).toBe('if (a  <  b) {\n    **not bold**\n}')
    expect(block.find('strong').exists()).toBe(false)
    // A keyboard can reach it to scroll a long line sideways.
    expect(block.attributes('tabindex')).toBe('0')
  })

  it('draws quotes and bulleted and numbered lists', () => {
    const text = shown('> said before\n\n- one\n- two\n\n3. third\n4. fourth')
    expect(text.get('blockquote').text()).toBe('said before')
    expect(text.get('ul').findAll('li').map(li => li.text())).toEqual(['one', 'two'])
    const numbered = text.get('ol')
    expect(numbered.attributes('start')).toBe('3')
    expect(numbered.findAll('li').map(li => li.text())).toEqual(['third', 'fourth'])
  })

  it('a line break stays a line break, and a heading or indented line stays text', () => {
    const text = shown('first\nsecond\n# not a heading\n    not code')
    expect(text.element.textContent).toBe('first\nsecond\n# not a heading\nnot code')
    expect(text.find('h1').exists()).toBe(false)
    expect(text.find('pre').exists()).toBe(false)
    expect(text.text()).toContain('# not a heading')
  })

  it('links addresses as before: http(s) and mailto only, never inside code', () => {
    const text = shown('see https://example.com/a_b_c and **www.example.org** or mailto:ada@example.com, not `https://in.code` nor ftp://old.example')
    const links = text.findAll('[data-testid="message-link"]')
    expect(links.map(link => link.attributes('href'))).toEqual(['https://example.com/a_b_c', 'https://www.example.org', 'mailto:ada@example.com'])
    expect(links[1]!.element.parentElement?.tagName).toBe('STRONG')
    expect(links[0]!.attributes('rel')).toBe('noopener noreferrer nofollow')
    expect(text.get('code').find('a').exists()).toBe(false)
  })

  it('a message of one paragraph has no block around it, so the edited mark stays on its line', () => {
    const item = mount(RoomMessageItem, { props: { message: { sender: 'Ada', text: 'fixed **it**', at: 0, id: 'm1', edited: true }, mine: false } })
    const text = item.get('[data-testid="message-text"]')
    expect(text.element.tagName).toBe('P')
    expect(text.find('p').exists()).toBe(false)
    expect(text.get('strong').text()).toBe('it')
    expect(text.get('[data-testid="edited-mark"]').element.parentElement).toBe(text.element)
  })
})
