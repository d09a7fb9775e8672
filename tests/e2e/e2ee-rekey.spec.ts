import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { freshRoomId, joinFromLink, newPerson, say } from './room'

const firstPassword = 'correct horse battery staple'
const secondPassword = 'purple elephant teaspoon'

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

/** Every WebSocket frame the page sends, as text. */
function recordSentFrames(page: Page): string[] {
  const frames: string[] = []
  page.on('websocket', socket => socket.on('framesent', frame => frames.push(String(frame.payload))))
  return frames
}

async function adaCreatesAnEncryptedRoom(ada: Page, roomId: string) {
  await ada.goto('/')
  await ada.getByTestId('new-room-name').fill('Ada')
  await ada.getByTestId('new-room-id').fill(roomId)
  await ada.getByTestId('new-room-password').fill(firstPassword)
  await ada.getByTestId('e2ee-toggle').check()
  await ada.getByTestId('create-room-button').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
}

test('the owner changes the password: Bob is asked for the new one and sends again; a newcomer reads what is new and sees the old as sealed under an earlier password', async ({ browser }) => {
  test.setTimeout(120_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  await adaCreatesAnEncryptedRoom(ada, roomId)
  await joinFromLink(bob, 'Bob', roomId, firstPassword)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await say(ada, 'ibis before the change')
  await expect(shownMessage(bob, 'ibis before the change')).toHaveCount(1)
  // Only the owner is offered the change.
  await expect(bob.getByTestId('e2ee-change-password')).toHaveCount(0)

  await ada.getByTestId('e2ee-change-password').click()
  await ada.getByTestId('e2ee-new-password').fill(secondPassword)
  await ada.getByTestId('e2ee-new-password-confirm').fill('not the same')
  await expect(ada.getByTestId('e2ee-change-password-submit')).toBeDisabled()
  expect(await seriousViolations(ada)).toEqual([])
  await ada.getByTestId('e2ee-new-password-confirm').fill(secondPassword)
  await ada.getByTestId('e2ee-change-password-submit').click()
  await expect(ada.getByTestId('e2ee-change-status')).toContainText('The password is changed', { timeout: 20_000 })
  // The owner made the new key herself: she is not asked for it, and sends at once.
  await expect(ada.getByTestId('e2ee-unlock')).toHaveCount(0)

  // Bob is told, still reads what came before, and cannot send until he gives the new password.
  await expect(bob.getByTestId('e2ee-password-changed')).toBeVisible()
  await expect(bob.getByTestId('message-input')).toHaveCount(0)
  await expect(shownMessage(bob, 'ibis before the change')).toHaveCount(1)
  expect(await seriousViolations(bob)).toEqual([])
  await bob.getByTestId('e2ee-unlock-password').fill(secondPassword)
  await bob.getByTestId('e2ee-unlock').getByRole('button').click()
  await expect(bob.getByTestId('e2ee-unlock')).toHaveCount(0, { timeout: 20_000 })
  await say(bob, 'pelican after the change')
  await expect(shownMessage(ada, 'pelican after the change')).toHaveCount(1)
  await expect(shownMessage(bob, 'ibis before the change')).toHaveCount(1)
  await say(ada, 'heron for everyone')
  await expect(shownMessage(bob, 'heron for everyone')).toHaveCount(1)

  // The old password no longer opens the room.
  const eve = await newPerson(browser)
  await joinFromLink(eve, 'Eve', roomId, firstPassword)
  await expect(eve.getByTestId('password-error')).toBeVisible({ timeout: 20_000 })
  await expect(eve.getByTestId('message-item')).toHaveCount(0)

  // Cy joins with the new one: she reads what was sealed since, and the older message says what it is.
  const cy = await newPerson(browser)
  await joinFromLink(cy, 'Cy', roomId, secondPassword)
  await expect(cy.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
  await expect(shownMessage(cy, 'pelican after the change')).toHaveCount(1)
  await expect(shownMessage(cy, 'heron for everyone')).toHaveCount(1)
  await expect(cy.getByTestId('message-earlier-key')).toHaveCount(1)
  await expect(cy.getByTestId('message-earlier-key')).toHaveText('Encrypted with an earlier password')
  await expect(cy.getByTestId('message-undecryptable')).toHaveCount(0)
  await expect(cy.getByText('ibis before the change')).toHaveCount(0)
  expect(await seriousViolations(cy)).toEqual([])
})

test('keys remembered on this device are kept per password: after a change and a reload the owner reads messages of both', async ({ browser }) => {
  test.setTimeout(90_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  await ada.goto('/')
  await ada.getByTestId('new-room-name').fill('Ada')
  await ada.getByTestId('new-room-id').fill(roomId)
  await ada.getByTestId('new-room-password').fill(firstPassword)
  await ada.getByTestId('e2ee-toggle').check()
  await ada.getByTestId('e2ee-remember').check()
  await ada.getByTestId('create-room-button').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await say(ada, 'ibis before the change')
  await expect(shownMessage(ada, 'ibis before the change')).toHaveCount(1)
  await ada.getByTestId('e2ee-change-password').click()
  await ada.getByTestId('e2ee-new-password').fill(secondPassword)
  await ada.getByTestId('e2ee-new-password-confirm').fill(secondPassword)
  await ada.getByTestId('e2ee-change-remember').check()
  await ada.getByTestId('e2ee-change-password-submit').click()
  await expect(ada.getByTestId('e2ee-change-status')).toContainText('The password is changed', { timeout: 20_000 })
  await say(ada, 'heron after the change')
  await expect(shownMessage(ada, 'heron after the change')).toHaveCount(1)

  await ada.reload()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(shownMessage(ada, 'heron after the change')).toHaveCount(1)
  await expect(shownMessage(ada, 'ibis before the change')).toHaveCount(1)
  await expect(ada.getByTestId('e2ee-unlock')).toHaveCount(0)
  await expect(ada.getByTestId('message-input')).toBeVisible()
  // Two entries on this device: the first password's key under the room's id, the second's under id#2.
  const stored = await ada.evaluate(() => new Promise<string[]>((resolve, reject) => {
    const request = indexedDB.open('heartbeat-e2ee')
    request.onsuccess = () => {
      const keys = request.result.transaction('room-keys').objectStore('room-keys').getAllKeys()
      keys.onsuccess = () => resolve(keys.result.map(String))
      keys.onerror = () => reject(keys.error)
    }
    request.onerror = () => reject(request.error)
  }))
  expect(stored.filter(name => name.startsWith(roomId)).sort()).toEqual([roomId, `${roomId}#2`])
})

test('search in an encrypted room runs over the loaded messages in the page, says so, shows the match in place, and sends no search frame', async ({ browser }) => {
  test.setTimeout(90_000)
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  const sent = recordSentFrames(ada)
  await adaCreatesAnEncryptedRoom(ada, roomId)
  await say(ada, 'the quokka picnic is at noon')
  await say(ada, 'bring a blanket')
  await expect(shownMessage(ada, 'bring a blanket')).toHaveCount(1)

  await ada.getByTestId('room-search-button').click()
  await expect(ada.getByTestId('search-local-note')).toContainText('over the messages loaded here')
  await ada.getByTestId('room-search-input').fill('Quokka')
  await ada.getByTestId('room-search-input').press('Enter')
  const result = ada.getByTestId('search-result')
  await expect(result).toHaveCount(1)
  await expect(result.getByTestId('search-match')).toHaveText('quokka')
  await expect(ada.getByTestId('search-status')).toHaveText('1 message found')
  expect(await seriousViolations(ada)).toEqual([])
  await result.click()
  const chosen = ada.locator('[data-testid="message-item"][data-highlighted="true"]')
  await expect(chosen).toHaveCount(1)
  await expect(chosen).toContainText('the quokka picnic is at noon')

  // Nothing of the query went to the server: no search frame at all.
  expect(sent.some(frame => frame.includes('"type":"join"'))).toBe(true)
  expect(sent.filter(frame => frame.includes('"type":"search"'))).toEqual([])
  expect(sent.join('\n')).not.toContain('uokka')
})
