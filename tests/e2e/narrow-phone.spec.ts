import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { socketMember } from './busy-room'
import type { SocketMember } from './busy-room'
import { createFromHome, freshRoomId } from './room'

const TITLE = 'Design review for the spring release'
const NAMES = ['Margaret Hamilton', 'Grace Brewster Hopper']

/** Ada's room with a long title and two members with long names, seen on a phone of `width`. */
async function roomOnPhone(page: Page, baseURL: string, width: number): Promise<SocketMember[]> {
  const roomId = freshRoomId()
  await createFromHome(page, 'Ada', roomId)
  await page.getByTestId('rename-button').click()
  await page.getByTestId('title-input').fill(TITLE)
  await page.getByTestId('title-save').click()
  await expect(page.getByTestId('room-title')).toHaveText(TITLE)
  const others = await Promise.all(NAMES.map(name => socketMember(baseURL, roomId, name)))
  await expect(page.getByTestId('member-item')).toHaveCount(3)
  await page.setViewportSize({ width, height: 640 })
  return others
}

/** Whether an element shows all of its text: nothing cut off by an ellipsis or a clip. */
function showsWhole(page: Page, selector: string) {
  return page.locator(selector).evaluateAll(elements => elements.map(element => ({
    text: element.textContent,
    whole: element.scrollWidth <= element.clientWidth + 1 && element.scrollHeight <= element.clientHeight + 1,
  })))
}

test('on a 320 px phone the message box gets the width, the title scrolls instead of being cut, member names show whole, and the tools sit behind one button', async ({ page, baseURL }) => {
  const others = await roomOnPhone(page, baseURL!, 320)
  const input = page.getByTestId('message-input')
  expect(await input.evaluate(element => element.getBoundingClientRect().width)).toBeGreaterThanOrEqual(200)

  // The title is not cut with an ellipsis: it scrolls sideways to its last letter.
  const title = page.getByTestId('room-title')
  expect(await title.evaluate(element => getComputedStyle(element).textOverflow)).toBe('clip')
  expect(await title.evaluate((element) => {
    element.scrollLeft = element.scrollWidth
    return element.clientWidth > 0 && element.scrollLeft + element.clientWidth >= element.scrollWidth - 1
  })).toBe(true)
  const names = await showsWhole(page, '.member-item__name')
  expect(names.sort((a, b) => a.text!.localeCompare(b.text!))).toEqual(['Ada', ...NAMES].sort().map(text => ({ text, whole: true })))
  // A long member strip scrolls sideways inside itself; the page never does.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
  // The messages still get most of the screen.
  expect(await page.getByTestId('message-list').evaluate(list => list.getBoundingClientRect().height / window.innerHeight)).toBeGreaterThanOrEqual(0.5)

  // The tools are one button, named and saying whether it is open.
  const tools = page.getByTestId('composer-tools-button')
  await expect(page.getByTestId('attach-button')).toBeHidden()
  await expect(page.getByTestId('emoji-button')).toBeHidden()
  await expect(page.getByTestId('record-button')).toBeHidden()
  await expect(tools).toHaveAccessibleName('More tools')
  await expect(tools).toHaveAttribute('aria-expanded', 'false')

  // By keyboard: the button opens the group and puts the focus on its first tool; Escape closes it and goes back.
  await tools.focus()
  await page.keyboard.press('Enter')
  await expect(tools).toHaveAttribute('aria-expanded', 'true')
  const group = page.getByRole('group', { name: 'Tools' })
  await expect(group.getByRole('button', { name: 'Attach files' })).toBeFocused()
  await expect(group.getByRole('button', { name: 'Insert an emoji' })).toBeVisible()
  await expect(group.getByRole('button', { name: 'Record a voice message' })).toBeVisible()
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('emoji-button')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(tools).toHaveAttribute('aria-expanded', 'false')
  await expect(tools).toBeFocused()
  await expect(page.getByTestId('emoji-button')).toBeHidden()

  // By pointer: a tool works from the group, and the group closes once an emoji went in.
  await tools.click()
  await page.getByTestId('emoji-button').click()
  const picker = page.locator('emoji-picker')
  await picker.locator('input[type="search"]').fill('sunflower')
  await picker.getByRole('option', { name: /sunflower/i }).first().click()
  await expect(input).toHaveValue('🌻')
  await expect(tools).toHaveAttribute('aria-expanded', 'false')
  for (const other of others) other.close()
})

test('on a desktop the tools stay beside the box, with no extra button', async ({ page, baseURL }) => {
  const others = await roomOnPhone(page, baseURL!, 1280)
  await expect(page.getByTestId('composer-tools-button')).toBeHidden()
  for (const tool of ['attach-button', 'emoji-button', 'record-button']) await expect(page.getByTestId(tool)).toBeVisible()
  for (const other of others) other.close()
})
