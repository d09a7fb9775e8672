// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { moveInToolbar } from '~/utils/roving-toolbar'

function toolbar(labels: string[], disabled: string[] = []) {
  const element = document.createElement('div')
  element.setAttribute('role', 'toolbar')
  element.innerHTML = labels.map((label, index) =>
    `<button type="button" ${index > 0 ? 'tabindex="-1"' : ''} ${disabled.includes(label) ? 'disabled' : ''}>${label}</button>`).join('')
  element.addEventListener('keydown', moveInToolbar)
  document.body.append(element)
  return element
}

function press(element: HTMLElement, key: string) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })
  document.activeElement!.dispatchEvent(event)
  return event
}

const focused = () => document.activeElement?.textContent
const tabStops = (element: HTMLElement) => [...element.querySelectorAll('button')].filter(button => button.tabIndex === 0).map(button => button.textContent)

afterEach(() => document.body.replaceChildren())

describe('moveInToolbar', () => {
  it('arrows move to the next and previous button, wrapping; Home and End go to the ends; the one reached is the only Tab stop', () => {
    const element = toolbar(['reply', 'like', 'more'])
    element.querySelector('button')!.focus()
    expect(press(element, 'ArrowRight').defaultPrevented).toBe(true)
    expect(focused()).toBe('like')
    expect(tabStops(element)).toEqual(['like'])
    press(element, 'ArrowRight')
    press(element, 'ArrowRight')
    expect(focused()).toBe('reply')
    press(element, 'ArrowLeft')
    expect(focused()).toBe('more')
    press(element, 'Home')
    expect(focused()).toBe('reply')
    press(element, 'End')
    expect(focused()).toBe('more')
    expect(tabStops(element)).toEqual(['more'])
  })

  it('skips disabled buttons and leaves other keys (Tab, Enter) to the browser', () => {
    const element = toolbar(['reply', 'like', 'more'], ['like'])
    element.querySelector('button')!.focus()
    press(element, 'ArrowRight')
    expect(focused()).toBe('more')
    expect(press(element, 'Tab').defaultPrevented).toBe(false)
    expect(press(element, 'Enter').defaultPrevented).toBe(false)
    expect(focused()).toBe('more')
  })
})
