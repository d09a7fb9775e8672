import { expect, test } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import { launchWithFakeMicrophone } from './fake-microphone'
import { messageWithText, say, twoMembersInARoom } from './room'

// The voice clips are recorded from Chromium's fake microphone.
test.use({ launchOptions: launchWithFakeMicrophone() })

/**
 * A message's action, clicked where it sits. The toolbar shows only on hover,
 * and hovering a message while the list scrolls to new ones is a race; how a
 * person reaches these is tested elsewhere, this test is about colours.
 */
async function act(page: Page, text: string, action: string, nth = 0) {
  await messageWithText(page, text).getByTestId(action).nth(nth).dispatchEvent('click')
}

/**
 * One person's messages in every state a bubble has: reactions (one of them
 * their own), a reply quote, an edit, a deletion, a link, a file card, a voice
 * clip. `answering` is the text of the other person's message this one replies to.
 */
async function everyBubbleState(page: Page, name: string, answering: string) {
  await say(page, `${name}: the notes are up`)
  await act(page, `${name}: the notes are up`, 'quick-react')
  await act(page, answering, 'action-reply')
  await say(page, `${name}: yes, after lunch`)
  await say(page, `${name}: typo`)
  await act(page, `${name}: typo`, 'action-edit')
  await page.getByTestId('edit-input').fill(`${name}: fixed the typo`)
  await page.getByTestId('edit-input').press('Enter')
  await say(page, `${name}: wrong room`)
  page.once('dialog', dialog => void dialog.accept())
  await act(page, `${name}: wrong room`, 'action-delete')
  await say(page, `${name}: see https://example.com/notes`)
  await page.getByTestId('attach-input').setInputFiles([{ name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('the minutes\n'.repeat(200)) }])
  await expect(page.getByTestId('upload-progress')).toHaveAttribute('data-state', 'done')
  await say(page, `${name}: the minutes`)
  await page.getByTestId('record-button').click()
  await expect(page.getByTestId('record-time')).toHaveText('0:01', { timeout: 10_000 })
  await page.getByTestId('record-send').click()
}

interface Finding {
  where: string
  text: string
  ratio: number
  needed: number
}

/**
 * The WCAG contrast of every piece of text (and every icon line) in the
 * matching bubbles against the colour actually behind it: the backgrounds of
 * all its ancestors composited in order, with each ancestor's opacity applied
 * to its whole group as the browser paints it. Returns the ones under AA.
 */
function contrastFailures(page: Page, bubbles: string): Promise<Finding[]> {
  return page.evaluate((selector) => {
    type Rgba = [number, number, number, number]
    const probe = document.createElement('canvas').getContext('2d')!
    // Any CSS colour (rgb, hex, oklch…) to sRGB bytes and alpha, by letting a canvas parse it.
    function parse(color: string): Rgba {
      probe.clearRect(0, 0, 1, 1)
      probe.fillStyle = '#000'
      probe.fillStyle = color
      probe.fillRect(0, 0, 1, 1)
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data
      return [r!, g!, b!, a! / 255]
    }
    function over(top: Rgba, below: Rgba, alpha = top[3]): Rgba {
      return [0, 1, 2].map(i => top[i]! * alpha + below[i]! * (1 - alpha)).concat(1) as Rgba
    }
    function luminance([r, g, b]: Rgba): number {
      const channel = (value: number) => {
        const c = value / 255
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    function ratio(a: Rgba, b: Rgba): number {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
      return (light! + 0.05) / (dark! + 0.05)
    }
    // What the eye sees at a point of `chain` (root first), with or without the top paint.
    function seen(chain: Element[], paint: Rgba | undefined, backdrop: Rgba): Rgba {
      const [element, ...rest] = chain
      if (!element) return paint ? over(paint, backdrop) : backdrop
      const style = getComputedStyle(element)
      const inside = seen(rest, paint, over(parse(style.backgroundColor), backdrop))
      return over(inside, backdrop, Number(style.opacity))
    }
    function ancestors(element: Element): Element[] {
      const chain: Element[] = []
      for (let node: Element | null = element; node; node = node.parentElement) chain.unshift(node)
      return chain
    }
    function shown(element: Element): boolean {
      const box = element.getBoundingClientRect()
      // Visually hidden text (1 px, clipped) is for screen readers only.
      return box.width > 1 && box.height > 1 && getComputedStyle(element).visibility === 'visible'
    }
    function check(element: Element, paintColor: string, needed: number, label: string, findings: Array<{ where: string, text: string, ratio: number, needed: number }>) {
      const chain = ancestors(element)
      const canvas: Rgba = [255, 255, 255, 1]
      const background = seen(chain, undefined, canvas)
      const foreground = seen(chain, parse(paintColor), canvas)
      const measured = ratio(foreground, background)
      if (measured < needed) {
        findings.push({ where: element.getAttribute('data-testid') ?? `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}`, text: label, ratio: Math.round(measured * 100) / 100, needed })
      }
    }

    const findings: Array<{ where: string, text: string, ratio: number, needed: number }> = []
    for (const bubble of document.querySelectorAll(selector)) {
      const texts = new Set<Element>()
      const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent!.trim() && node.parentElement) texts.add(node.parentElement)
      }
      for (const element of texts) {
        if (!shown(element)) continue
        const style = getComputedStyle(element)
        const size = Number.parseFloat(style.fontSize)
        // WCAG's large text: 18 pt, or 14 pt bold.
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
        const paint = element instanceof SVGElement ? style.fill : style.color
        check(element, paint, large ? 3 : 4.5, element.textContent!.trim().slice(0, 40), findings)
      }
      // Icons drawn in lines (a file's outline) are graphics: 3:1.
      for (const line of bubble.querySelectorAll('svg path[stroke]')) {
        const icon = line.closest('svg')!
        if (shown(icon)) check(line, getComputedStyle(line).stroke, 3, `icon ${icon.getAttribute('class') ?? ''}`, findings)
      }
    }
    return findings
  }, bubbles)
}

async function chooseTheme(page: Page, theme: 'light' | 'dark') {
  await page.getByTestId('theme-toggle').selectOption(theme)
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
  // Buttons fade their background over 120 ms: measured before, a chip is half in the old theme.
  await page.evaluate(() => Promise.all(document.getAnimations().filter(animation => animation instanceof CSSTransition).map(animation => animation.finished)))
}

async function conversationInEveryState(browser: Browser): Promise<Page> {
  const { ada, bob } = await twoMembersInARoom(browser)
  // The mention comes first: at the end, Enter would pick it from the suggestions instead of sending.
  await say(bob, '@Ada Bob: is the release on?')
  await expect(messageWithText(ada, 'Bob: is the release on?')).toHaveCount(1)
  await everyBubbleState(ada, 'Ada', 'Bob: is the release on?')
  await everyBubbleState(bob, 'Bob', 'Ada: the minutes')
  // Each reacts to the other's first message too, so both kinds of bubble carry someone else's reaction.
  await act(ada, 'Bob: the notes are up', 'quick-react', 1)
  await act(bob, 'Ada: the notes are up', 'quick-react', 1)
  await bob.context().close()

  await expect(ada.locator('[data-mine="true"] [data-testid="reaction"]')).toHaveCount(2)
  await expect(ada.locator('[data-mine="false"] [data-testid="reaction"]')).toHaveCount(2)
  for (const mine of ['true', 'false']) {
    const bubbles = ada.locator(`[data-testid="message-item"][data-mine="${mine}"]`)
    await expect(bubbles.getByTestId('reply-quote')).toHaveCount(1)
    await expect(bubbles.getByTestId('edited-mark')).toHaveCount(1)
    await expect(bubbles.getByTestId('message-deleted')).toHaveCount(1)
    await expect(bubbles.getByTestId('message-link')).toHaveCount(1)
    await expect(bubbles.getByTestId('file-size')).toHaveCount(1)
    await expect(bubbles.getByTestId('audio-duration')).toHaveText(/^\d+:\d\d$/)
  }
  return ada
}

test('every text on own and others\' bubbles meets WCAG AA contrast against its real background, in the light and the dark theme', async ({ browser }) => {
  // Two people acting out every state, a voice clip each.
  test.setTimeout(180_000)
  const ada = await conversationInEveryState(browser)
  // No toolbar opened by a resting pointer or a focused message.
  await ada.mouse.move(0, 0)
  await ada.locator('body').click({ position: { x: 1, y: 1 } })
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(ada, theme)
    expect.soft(await contrastFailures(ada, '[data-testid="message-item"][data-mine="true"]'), `own bubbles, ${theme}`).toEqual([])
    expect.soft(await contrastFailures(ada, '[data-testid="message-item"][data-mine="false"]'), `others' bubbles, ${theme}`).toEqual([])
  }

  // A message written offline waits in the outbox, in its own look.
  await ada.context().setOffline(true)
  await say(ada, 'Ada: written offline')
  await expect(messageWithText(ada, 'Ada: written offline').getByTestId('message-status')).toHaveAttribute('data-state', 'sending')
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(ada, theme)
    expect.soft(await contrastFailures(ada, '[data-testid="message-item"][data-delivery="sending"]'), `waiting bubble, ${theme}`).toEqual([])
  }
  await ada.context().close()
})
