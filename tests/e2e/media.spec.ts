import { expect, test } from '@playwright/test'
import type { Locator, Page } from '@playwright/test'
import { launchWithFakeMicrophone } from './fake-microphone'
import { pngBytes } from './png-bytes'
import { createFromHome, freshRoomId, say, twoMembersInARoom } from './room'

// The voice clip is recorded from Chromium's fake microphone; the receiver's
// play() below comes from the test, not from a person's click.
test.use({ launchOptions: launchWithFakeMicrophone('--autoplay-policy=no-user-gesture-required') })

async function attach(page: Page, files: Array<{ name: string, mimeType: string, buffer: Buffer }>) {
  await page.getByTestId('attach-input').setInputFiles(files)
}

function messageWith(page: Page, testId: string): Locator {
  return page.getByTestId('message-item').filter({ has: page.getByTestId(testId) })
}

test('an attached image, with its caption, shows in the other person\'s window', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await attach(ada, [{ name: 'dots.png', mimeType: 'image/png', buffer: pngBytes() }])
  await expect(ada.getByTestId('upload-progress')).toHaveAttribute('data-state', 'done')
  await say(ada, 'a gradient')

  const message = messageWith(bob, 'message-image')
  await expect(message).toContainText('a gradient')
  const image = message.getByTestId('message-image').locator('img')
  await expect(image).toHaveJSProperty('complete', true)
  expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0)
  await expect(ada.getByTestId('upload-progress')).toHaveCount(0)

  // A click opens the full image in the viewer (400 px wide, where the thumbnail is smaller),
  // and its link opens the original file.
  const href = await message.getByTestId('message-image').getAttribute('href')
  await image.click()
  const viewer = bob.getByTestId('image-viewer')
  await expect(viewer.locator('img')).toHaveJSProperty('naturalWidth', 400)
  const [full] = await Promise.all([bob.context().waitForEvent('page'), viewer.getByTestId('image-viewer-original').click()])
  await full.waitForLoadState()
  expect(new URL(full.url()).pathname).toBe(href)
  await expect(full.locator('img')).toHaveJSProperty('naturalWidth', 400)
})

test('a file over the size limit and a program are refused on their rows, with the reason, and nothing is sent', async ({ page }) => {
  await createFromHome(page, 'Ada', freshRoomId())
  await attach(page, [
    { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(11 * 1024 * 1024, 7) },
    { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ not really a program') },
  ])
  const rows = page.getByTestId('upload-progress')
  await expect(rows.filter({ hasText: 'huge.bin' })).toHaveAttribute('data-state', 'failed', { timeout: 15_000 })
  await expect(rows.filter({ hasText: 'huge.bin' }).getByTestId('upload-error')).toHaveText('Too large')
  await expect(rows.filter({ hasText: 'setup.exe' }).getByTestId('upload-error')).toHaveText(/^Not accepted/)
  await expect(page.getByTestId('send-button')).toBeDisabled()
  await rows.filter({ hasText: 'huge.bin' }).getByTestId('upload-cancel').click()
  await expect(rows).toHaveCount(1)
})

test('a voice clip recorded from the microphone plays on the other side', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await ada.getByTestId('record-button').click()
  await expect(ada.getByTestId('record-time')).toHaveText('0:02', { timeout: 10_000 })
  await ada.getByTestId('record-send').click()

  const player = messageWith(bob, 'message-audio').getByTestId('message-audio')
  await expect(player.getByTestId('audio-duration')).toHaveText(/^0:0[2-4]$/)
  const audio = player.locator('audio')
  // The player knows the clip's length before it is played.
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.duration), { timeout: 10_000 }).toBeGreaterThan(1.5)
  await audio.evaluate((element: HTMLAudioElement) => element.play())
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5)
  expect(await audio.evaluate((element: HTMLAudioElement) => element.error)).toBeNull()
})

test('an emoji picked from the picker goes in at the cursor, is sent, and is offered again among the recent ones', async ({ page }) => {
  await createFromHome(page, 'Ada', freshRoomId())
  const input = page.getByTestId('message-input')
  await input.fill('good morning')
  await input.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(4, 4))
  await page.getByTestId('emoji-button').click()
  const picker = page.locator('emoji-picker')
  // Playwright's locators pierce the picker's open shadow root.
  await picker.locator('input[type="search"]').fill('sunflower')
  // Search results are options of a listbox.
  await picker.getByRole('option', { name: /sunflower/i }).first().click()
  await expect(input).toHaveValue('good🌻 morning')
  await input.press('Enter')
  await expect(page.getByTestId('message-text')).toHaveText('good🌻 morning')

  // Opened again, the picker offers it among the recently used.
  await page.getByTestId('emoji-button').click()
  await expect(picker.getByRole('menu', { name: 'Favorites' }).getByRole('menuitem', { name: /sunflower/i })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(picker).toBeHidden()
  await expect(page.getByTestId('emoji-button')).toBeFocused()
})

test('a link in a message opens in a new tab', async ({ browser, baseURL }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  const url = `${baseURL}/api/health`
  await say(ada, `status page: ${url}`)
  const link = bob.getByTestId('message-link')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow')
  const [opened] = await Promise.all([bob.context().waitForEvent('page'), link.click()])
  await opened.waitForLoadState()
  expect(opened.url()).toBe(url)
  await expect(opened.locator('body')).toContainText('status')
})

test('a room with an image, a file and a voice clip, on a desktop and on a 320 px phone', async ({ browser }, testInfo) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await attach(ada, [
    { name: 'dots.png', mimeType: 'image/png', buffer: pngBytes() },
    { name: 'minutes-of-the-meeting.txt', mimeType: 'text/plain', buffer: Buffer.from('the minutes\n'.repeat(200)) },
  ])
  await expect(ada.getByTestId('upload-progress').and(ada.locator('[data-state="done"]'))).toHaveCount(2)
  await say(ada, 'the picture and the minutes')
  await ada.getByTestId('record-button').click()
  await expect(ada.getByTestId('record-time')).toHaveText('0:01', { timeout: 10_000 })
  await ada.getByTestId('record-send').click()
  await expect(bob.getByTestId('message-file')).toContainText('minutes-of-the-meeting.txt')
  await expect(bob.getByTestId('message-audio')).toHaveCount(1)
  await expect.poll(() => bob.locator('audio').evaluate((element: HTMLAudioElement) => element.duration)).toBeGreaterThan(0.5)
  await expect(bob.getByTestId('message-image').locator('img')).toHaveJSProperty('complete', true)

  await bob.setViewportSize({ width: 1280, height: 800 })
  await bob.screenshot({ path: testInfo.outputPath('media-desktop.png') })
  await bob.setViewportSize({ width: 320, height: 568 })
  await bob.getByTestId('message-audio').scrollIntoViewIfNeeded()
  await expect(bob.getByTestId('message-audio')).toBeInViewport()
  await expect(bob.getByTestId('file-download')).toBeInViewport()
  // Nothing sticks out sideways on a narrow phone.
  expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
  await bob.screenshot({ path: testInfo.outputPath('media-phone.png') })
})
