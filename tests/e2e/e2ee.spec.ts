import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { base64urlToBytes } from '../../utils/e2ee/base64url'
import { deriveRoomKeys } from '../../utils/e2ee/room-keys'
import { pngBytes } from './png-bytes'
import { freshRoomId, joinFromLink, messageWithText, newPerson, say } from './room'

const password = 'correct horse battery staple'

/** Every upload the page makes (Playwright does not show a multipart body with a file, so what was stored is read below). */
function recordUploads(page: Page): string[] {
  const uploads: string[] = []
  page.on('requestfinished', (request) => {
    if (request.method() === 'POST' && request.url().includes('/files')) uploads.push(request.url())
  })
  return uploads
}

/** Every file the server wrote under its data folder (the rooms database, the files folder) since `since`. */
function storedSince(dir: string, since: number): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
    .filter(path => statSync(path).mtimeMs >= since)
    .map(path => readFileSync(path))
}

/** Every WebSocket frame the page sends or receives, as text. */
function recordFrames(page: Page): string[] {
  const frames: string[] = []
  page.on('websocket', (socket) => {
    socket.on('framesent', frame => frames.push(String(frame.payload)))
    socket.on('framereceived', frame => frames.push(String(frame.payload)))
  })
  return frames
}

/** Serious and critical axe findings on the whole page. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap(violation => violation.nodes.map(node => `${violation.id} at ${node.target.join(' ')}: ${node.failureSummary}`))
}

function shownMessage(page: Page, text: string) {
  return page.getByTestId('message-item').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
}

test('an end-to-end encrypted room: both read each other, the frames carry no plain text, a wrong password and a forged ciphertext are refused', async ({ browser, baseURL }) => {
  test.setTimeout(90_000)
  const startedAt = Date.now() - 1000
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const adaFrames = recordFrames(ada)
  const bobFrames = recordFrames(bob)
  const adaUploads = recordUploads(ada)

  // Ada creates the room encrypted: the toggle is offered once a password is typed.
  await ada.goto('/')
  await ada.getByTestId('new-room-name').fill('Ada')
  await ada.getByTestId('new-room-id').fill(roomId)
  await expect(ada.getByTestId('e2ee-toggle')).toHaveCount(0)
  await ada.getByTestId('new-room-password').fill(password)
  await ada.getByTestId('e2ee-toggle').check()
  await ada.getByTestId('create-room-button').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(ada.getByTestId('e2ee-badge')).toContainText('End-to-end encrypted')

  // The room's summary says it is encrypted, with its salt, and nothing of its title.
  const summary = await (await fetch(`${baseURL}/api/rooms/${roomId}`)).json() as { e2ee?: boolean, salt?: string, protected: boolean }
  expect(summary).toMatchObject({ protected: true, e2ee: true, salt: expect.stringMatching(/^[\w-]{22}$/) })

  await joinFromLink(bob, 'Bob', roomId, password)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(bob.getByTestId('e2ee-badge')).toBeVisible()

  await say(ada, 'zebra crossing at noon')
  await expect(shownMessage(bob, 'zebra crossing at noon')).toHaveCount(1)
  await say(bob, 'quokka picnic instead')
  await expect(shownMessage(ada, 'quokka picnic instead')).toHaveCount(1)

  // Bob replies to Ada: the quote is built in the page from the opened message.
  await shownMessage(bob, 'zebra crossing').hover()
  await shownMessage(bob, 'zebra crossing').getByTestId('action-reply').click()
  await say(bob, 'walrus agrees')
  const reply = shownMessage(ada, 'walrus agrees')
  await expect(reply.getByTestId('reply-quote')).toContainText('zebra crossing at noon')

  // Ada edits her message: Bob sees the new words, marked edited.
  await shownMessage(ada, 'zebra crossing').hover()
  await shownMessage(ada, 'zebra crossing').getByTestId('action-edit').click()
  await ada.getByTestId('edit-input').fill('narwhal crossing at one')
  await ada.getByTestId('edit-input').press('Enter')
  await expect(shownMessage(bob, 'narwhal crossing at one').getByTestId('edited-mark')).toBeVisible()
  await expect(shownMessage(ada, 'walrus agrees').getByTestId('reply-quote')).toContainText('narwhal crossing at one')

  // Ada sends an image: sealed in her browser with its name, thumbnail made there; Bob sees it as it was.
  const image = pngBytes()
  await ada.getByTestId('attach-input').setInputFiles([{ name: 'pelican-sunset.png', mimeType: 'image/png', buffer: image }])
  await expect(ada.getByTestId('upload-progress')).toHaveAttribute('data-state', 'done')
  await say(ada, 'ibis photo')
  const photo = shownMessage(bob, 'ibis photo')
  const thumbnail = photo.getByTestId('message-image').locator('img')
  await expect(thumbnail).toHaveAttribute('src', /^blob:/)
  await expect(thumbnail).toHaveAttribute('alt', 'pelican-sunset.png')
  await expect.poll(() => thumbnail.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0)
  await thumbnail.click()
  await expect(bob.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 400)
  // Two uploads (the thumbnail, then the image), both sealed: what the server stored holds neither the
  // name nor a PNG or WebP, and no words of the chat (the database and its WAL included).
  expect(adaUploads).toHaveLength(2)
  const stored = storedSince(process.env.E2E_DATA_DIR!, startedAt)
  expect(stored.length).toBeGreaterThanOrEqual(3)
  for (const bytes of stored) {
    for (const secret of ['pelican', 'ibis', 'zebra', 'narwhal', 'horse battery']) expect(bytes.includes(Buffer.from(secret))).toBe(false)
    expect(bytes.includes(image.subarray(0, 64))).toBe(false)
    expect(bytes.subarray(0, 4).toString('latin1')).not.toMatch(/^(\x89PNG|RIFF)/)
  }

  // Nothing that went over either page's socket carries a word of it, or the password.
  const seen = [...adaFrames, ...bobFrames].join('\n')
  expect(seen).toContain('"cipher"')
  for (const secret of ['zebra', 'quokka', 'walrus', 'narwhal', 'crossing', 'ibis', 'pelican', 'horse battery']) expect(seen).not.toContain(secret)

  // Someone with a wrong password is refused as in any password room.
  const eve = await newPerson(browser)
  await joinFromLink(eve, 'Eve', roomId, 'incorrect horse')
  await expect(eve.getByTestId('password-error')).toBeVisible()
  await expect(eve.getByTestId('message-item')).toHaveCount(0)

  // A raw socket that knows the password's auth key but writes a ciphertext of
  // its own: the pages say it could not be decrypted, and show none of its bytes.
  const { authKey } = await deriveRoomKeys(password, base64urlToBytes(summary.salt!)!)
  const raw = new WebSocket(`${baseURL!.replace('http', 'ws')}/ws`, { headers: { origin: baseURL! } })
  const answers: Array<{ type: string, code?: string }> = []
  raw.on('message', data => answers.push(JSON.parse(String(data)) as { type: string }))
  await new Promise(resolve => raw.once('open', resolve))
  raw.send(JSON.stringify({ type: 'join', roomId, name: 'Mallory', password: authKey }))
  await expect.poll(() => answers.some(frame => frame.type === 'joined')).toBe(true)
  raw.send(JSON.stringify({ type: 'chat', text: 'plain words from a raw socket', clientId: 'raw-1' }))
  await expect.poll(() => answers.find(frame => frame.type === 'error')?.code).toBe('E2EE_REQUIRED')
  raw.send(JSON.stringify({ type: 'chat', clientId: 'raw-2', cipher: { v: 1, iv: 'BwcHBwcHBwcHBwcH', data: Buffer.from('forged bytes, not sealed by any key').toString('base64url') } }))
  for (const page of [ada, bob]) {
    const forged = page.getByTestId('message-item').filter({ hasText: 'Mallory' })
    await expect(forged.getByTestId('message-undecryptable')).toHaveText('Could not be decrypted')
    await expect(forged).not.toContainText('forged')
  }
  raw.close()
  await expect(messageWithText(bob, 'plain words from a raw socket')).toHaveCount(0)
  // Three live members would go on pinging through the next spec files of the run.
  await Promise.all([ada, bob, eve].map(page => page.context().close()))
})

test('after a reload the key is asked for again, unless it was remembered on this device; a wrong password does not unlock', async ({ browser }) => {
  test.setTimeout(90_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  await ada.goto('/')
  await ada.getByTestId('new-room-name').fill('Ada')
  await ada.getByTestId('new-room-id').fill(roomId)
  await ada.getByTestId('new-room-password').fill(password)
  await ada.getByTestId('e2ee-toggle').check()
  await ada.getByTestId('e2ee-remember').check()
  expect(await seriousViolations(ada)).toEqual([])
  await ada.getByTestId('create-room-button').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await joinFromLink(bob, 'Bob', roomId, password)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await say(ada, 'heron at the pond')
  await expect(shownMessage(bob, 'heron at the pond')).toHaveCount(1)

  // Ada chose to remember the key: her reload opens the room as it was.
  await ada.reload()
  await expect(shownMessage(ada, 'heron at the pond')).toHaveCount(1)
  await expect(ada.getByTestId('e2ee-unlock')).toHaveCount(0)

  // Bob did not: the room opens with his token, locked, and nothing can be sent until the password is given.
  await bob.reload()
  await expect(bob.getByTestId('e2ee-unlock')).toBeVisible()
  await expect(bob.getByTestId('message-undecryptable')).toHaveCount(1)
  await expect(bob.getByTestId('message-input')).toHaveCount(0)
  await bob.getByTestId('e2ee-unlock-password').fill('not the password')
  await bob.getByTestId('e2ee-unlock').getByRole('button').click()
  await expect(bob.getByTestId('e2ee-unlock-error')).toBeVisible()
  await expect(bob.getByTestId('message-input')).toHaveCount(0)
  // The locked room, its unlock form with its error and the badge, as a screen reader meets them.
  expect(await seriousViolations(bob)).toEqual([])
  await bob.getByTestId('e2ee-unlock-password').fill(password)
  await bob.getByTestId('e2ee-unlock').getByRole('button').click()
  await expect(shownMessage(bob, 'heron at the pond')).toHaveCount(1)
  await expect(bob.getByTestId('e2ee-unlock')).toHaveCount(0)
  await say(bob, 'egret too')
  await expect(shownMessage(ada, 'egret too')).toHaveCount(1)
  await Promise.all([ada, bob].map(page => page.context().close()))
})
