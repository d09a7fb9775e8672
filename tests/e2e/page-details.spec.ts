import { expect, test } from '@playwright/test'
import { pngBytes } from './png-bytes'
import { adaInANewRoom, createFromHome, freshRoomId, meetInNewRoom, messageWithText, newPerson, say, twoMembersInARoom } from './room'

test('at 320x568 the messages get at least half the screen, connected or not', async ({ browser }) => {
  const ada = await newPerson(browser)
  const phone = await newPerson(browser, { viewport: { width: 320, height: 568 } })
  await meetInNewRoom(ada, phone, { password: 'pw' })
  const messageShare = () => phone.getByTestId('message-list').evaluate(list => list.getBoundingClientRect().height / window.innerHeight)
  expect(await messageShare()).toBeGreaterThanOrEqual(0.5)
  // Nothing sticks out sideways either.
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)

  await phone.context().setOffline(true)
  await expect(phone.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline')
  expect(await messageShare()).toBeGreaterThanOrEqual(0.5)
  await phone.context().close()
  await ada.context().close()
})

test('the message box grows with Shift+Enter lines up to about six, and Enter sends them as one message', async ({ browser }) => {
  const { ada } = await adaInANewRoom(browser)
  const box = ada.getByTestId('message-input')
  await expect(box).toBeFocused()
  const height = () => box.evaluate(element => element.getBoundingClientRect().height)
  const oneLine = await height()
  for (let line = 1; line <= 3; line++) {
    await box.pressSequentially(`line ${line}`)
    await box.press('Shift+Enter')
  }
  const fourLines = await height()
  expect(fourLines).toBeGreaterThan(oneLine * 2)
  for (let line = 4; line <= 10; line++) {
    await box.pressSequentially(`line ${line}`)
    await box.press('Shift+Enter')
  }
  const tenLines = await height()
  const lineHeight = await box.evaluate(element => Number.parseFloat(getComputedStyle(element).lineHeight))
  expect(tenLines).toBeGreaterThan(lineHeight * 5)
  expect(tenLines).toBeLessThan(lineHeight * 8)
  await box.pressSequentially('line 11')
  await box.press('Enter')
  const sent = messageWithText(ada, 'line 11')
  await expect(sent).toHaveCount(1)
  await expect(sent).toContainText('line 1\nline 2')
  expect(await height()).toBeLessThanOrEqual(oneLine + 1)
  await ada.context().close()
})

test('the draft survives a reload', async ({ browser }) => {
  const { ada } = await adaInANewRoom(browser)
  await ada.getByTestId('message-input').fill('half a thought')
  await ada.reload()
  await expect(ada.getByTestId('message-input')).toHaveValue('half a thought')
  await ada.context().close()
})

test('Copy link works without the clipboard API (a plain-http LAN address) and says Copied', async ({ browser }) => {
  const roomId = freshRoomId()
  const context = await browser.newContext()
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  // As on http://192.168.x.y: no secure context, so no navigator.clipboard.
  await context.addInitScript(() => {
    const real = navigator.clipboard
    ;(window as unknown as { realClipboard: Clipboard }).realClipboard = real
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true })
  })
  const ada = await context.newPage()
  await createFromHome(ada, 'Ada', roomId)
  await ada.getByTestId('copy-link-button').click()
  await expect(ada.getByTestId('copy-link-button')).toHaveText('Copied')
  const copied = await ada.evaluate(() => (window as unknown as { realClipboard: Clipboard }).realClipboard.readText())
  expect(copied).toBe(ada.url())
  await context.close()
})

test('thirty messages typed in three seconds all reach the other person, in order, without waiting for a heartbeat', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  const texts = Array.from({ length: 30 }, (_, index) => `quick ${index}`)
  const startedAt = Date.now()
  // Typed in the page itself, one message every 100 ms: a person typing fast.
  await ada.evaluate(async (messages) => {
    const box = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
    for (const text of messages) {
      box.value = text
      box.dispatchEvent(new Event('input'))
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }, texts)
  const typedInMs = Date.now() - startedAt
  await expect(bob.getByTestId('message-item')).toHaveCount(30, { timeout: 3000 })
  const deliveredAfterMs = Date.now() - startedAt
  expect(await bob.getByTestId('message-item').locator('.message-item__text').allTextContents()).toEqual(texts)
  await expect(ada.getByTestId('message-status').filter({ hasText: 'sending' })).toHaveCount(0)
  expect(typedInMs).toBeLessThan(4000)
  test.info().annotations.push({ type: 'delivery', description: `30 messages typed in ${typedInMs} ms, all on the other page ${deliveredAfterMs} ms after the first` })
  await ada.context().close()
  await bob.context().close()
})

test('a rename renames the browser tab, for the owner and for the others', async ({ browser }) => {
  const { ada, bob, roomId } = await twoMembersInARoom(browser)
  await expect(bob).toHaveTitle(`${roomId} · Heartbeat Chat`)
  await ada.getByTestId('rename-button').click()
  await ada.getByTestId('title-input').fill('Launch plan')
  await ada.getByTestId('title-save').click()
  await expect(bob).toHaveTitle('Launch plan · Heartbeat Chat')
  await expect(ada).toHaveTitle('Launch plan · Heartbeat Chat')
  await ada.context().close()
  await bob.context().close()
})

test('message times switch to the Chinese 24-hour form as soon as the language is switched', async ({ browser }) => {
  const { ada } = await adaInANewRoom(browser)
  await say(ada, 'what time is it')
  const time = messageWithText(ada, 'what time is it').locator('time')
  await expect(time).toHaveText(/^\d{1,2}:\d{2}\s?[AP]M$/)
  await ada.getByTestId('locale-switcher').selectOption('zh-CN')
  await expect(time).toHaveText(/^\d{2}:\d{2}$/)
  await ada.context().close()
})

test('a pasted image shows a preview before sending, and a click on an image opens a viewer that Esc closes', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)

  // A screenshot pasted into the message box, as the clipboard hands it over.
  await ada.getByTestId('message-input').evaluate((box, bytes) => {
    const data = new DataTransfer()
    data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }))
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, [...pngBytes()])
  const preview = ada.getByTestId('upload-preview')
  await expect(preview).toBeVisible()
  await expect(preview).toHaveJSProperty('naturalWidth', 400)
  const previewUrl = await preview.getAttribute('src')
  expect(previewUrl).toMatch(/^blob:/)
  await expect(ada.getByTestId('upload-progress')).toHaveAttribute('data-state', 'done')
  await say(ada, 'a screenshot')
  await expect(ada.getByTestId('upload-preview')).toHaveCount(0)
  // Sent: the preview's bytes are let go.
  expect(await ada.evaluate(url => fetch(url).then(() => 'held', () => 'revoked'), previewUrl!)).toBe('revoked')

  const image = messageWithText(bob, 'a screenshot').getByTestId('message-image')
  await image.click()
  const viewer = bob.getByTestId('image-viewer')
  await expect(viewer).toBeVisible()
  await expect(viewer).toHaveAccessibleName('image.png')
  await expect(viewer.getByTestId('image-viewer-close')).toBeFocused()
  await expect(viewer.locator('img')).toHaveJSProperty('naturalWidth', 400)
  expect(bob.context().pages()).toHaveLength(1)
  await bob.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
  await expect(image).toBeFocused()
  await ada.context().close()
  await bob.context().close()
})
