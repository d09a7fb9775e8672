import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { socketMember } from './busy-room'
import { freshRoomId, joinFromLink, newPerson, say } from './room'

const DARK_BACKGROUND = 'rgb(18, 20, 27)'
const LIGHT_BACKGROUND = 'rgb(245, 246, 250)'

function background(page: Page) {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor)
}

/** Loads `path` with none of the bundle's scripts: what shows is what the server's first response draws. */
async function gotoWithoutScripts(page: Page, path: string) {
  await page.route('**/_nuxt/**/*.js', route => route.abort())
  await page.goto(path)
}

test.describe('a browser that asks for Chinese', () => {
  test.use({ locale: 'zh-CN' })

  test('gets the room in Chinese, <html lang="zh-CN"> from the first response, times as Chinese writes them', async ({ page, browser }) => {
    const roomId = freshRoomId()
    const response = await page.goto(`/room/${roomId}`)
    expect(await response!.text()).toMatch(/<html[^>]* lang="zh-CN"/)
    await expect(page.getByTestId('locale-switcher')).toHaveValue('zh-CN')
    await page.getByTestId('name-input').fill('Ada')
    await page.getByTestId('join-button').click()
    await expect(page.getByTestId('connection-status')).toContainText('已连接')
    await expect(page).toHaveTitle(`${roomId} · 心跳聊天`)
    await expect(page.getByTestId('message-list')).toContainText('还没有消息。打个招呼吧！')

    const bob = await newPerson(browser, { locale: 'zh-CN' })
    await joinFromLink(bob, 'Bob', roomId)
    await expect(page.getByTestId('system-item')).toContainText('Bob 加入了')
    await say(bob, '你好')
    await expect(page.getByTestId('room-announcer')).toContainText('Bob：你好')
    // 24-hour clock, as zh-CN writes it, in the system line the room list draws.
    await expect(page.getByTestId('system-item').locator('time')).toHaveText(/^\d{2}:\d{2}$/)
    await bob.context().close()
  })
})

test('the language switcher changes the page at once and is remembered across a reload', async ({ page }) => {
  const roomId = freshRoomId()
  await page.goto(`/room/${roomId}`)
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await page.getByTestId('name-input').fill('Ada')
  await page.getByTestId('join-button').click()
  await expect(page.getByTestId('connection-status')).toContainText('Connected')

  await page.getByTestId('locale-switcher').selectOption('zh-CN')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByTestId('connection-status')).toContainText('已连接')
  await expect(page.getByTestId('theme-toggle').locator('option:checked')).toHaveText('跟随系统')

  const response = await page.reload()
  expect(await response!.text()).toMatch(/<html[^>]* lang="zh-CN"/)
  await expect(page.getByTestId('locale-switcher')).toHaveValue('zh-CN')
  await expect(page.getByTestId('connection-status')).toContainText('已连接')

  await page.getByTestId('locale-switcher').selectOption('en')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByTestId('connection-status')).toContainText('Connected')
})

test.describe('the theme', () => {
  test.use({ colorScheme: 'light' })

  test('follows the system until chosen, then the choice is in the first response of every page, before any script runs', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByTestId('theme-toggle')).toHaveValue('system')
    expect(await background(page)).toBe(LIGHT_BACKGROUND)
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background(page)).toBe(DARK_BACKGROUND)
    await page.emulateMedia({ colorScheme: 'light' })

    await page.getByTestId('theme-toggle').selectOption('dark')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await background(page)).toBe(DARK_BACKGROUND)
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark')

    // No flash: without the bundle the page is dark from its first paint, on another page too.
    const scriptless = await page.context().newPage()
    await gotoWithoutScripts(scriptless, `/room/${freshRoomId()}`)
    await expect(scriptless.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await background(scriptless)).toBe(DARK_BACKGROUND)

    // Light wins over a dark system once chosen.
    await page.getByTestId('theme-toggle').selectOption('light')
    await scriptless.emulateMedia({ colorScheme: 'dark' })
    await scriptless.reload()
    await expect(scriptless.locator('html')).toHaveAttribute('data-theme', 'light')
    expect(await background(scriptless)).toBe(LIGHT_BACKGROUND)

    await page.reload()
    await expect(page.getByTestId('theme-toggle')).toHaveValue('light')
  })
})

test('keyboard only: every control of a room, the language and the theme included, is reached with Tab and shows a focus ring', async ({ page, baseURL }) => {
  const roomId = freshRoomId()
  const cleo = await socketMember(baseURL!, roomId, 'Cleo')
  await cleo.say('hello Ada')
  await joinFromLink(page, 'Ada', roomId)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await page.locator('body').click({ position: { x: 1, y: 1 } })

  const reached: string[] = []
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement
      const style = getComputedStyle(element)
      return { id: element.dataset.testid ?? element.tagName, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }
    })
    if (focused.id === 'BODY') break
    expect(focused.ring, `${focused.id} shows where the keyboard is`).toBe(true)
    reached.push(focused.id)
  }
  expect(reached).toEqual(expect.arrayContaining([
    'locale-switcher', 'theme-toggle', 'copy-link-button', 'notify-toggle', 'leave-button',
    'message-list', 'action-reply', 'message-input',
  ]))
  // A message's toolbar is one Tab stop (the WAI-ARIA toolbar pattern), so a
  // long room does not cost ten stops a message: the arrows move inside it.
  expect(reached.filter(id => id === 'quick-react')).toEqual([])
  await page.getByTestId('message-list').focus()
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('action-reply')).toBeFocused()
  await expect(page.getByTestId('message-actions')).toBeVisible()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('quick-react').first()).toBeFocused()
  await page.keyboard.press('End')
  await expect(page.getByTestId('action-more-emoji')).toBeFocused()
  await page.keyboard.press('Home')
  await expect(page.getByTestId('action-reply')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('reply-banner')).toBeVisible()
  cleo.close()
})
