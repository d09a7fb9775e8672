import { expect, test } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import { adaInANewRoom, createFromHome, freshRoomId, joinFromHome, joinFromLink, newPerson, openInAnotherTab, say, twoMembersInARoom } from './room'

function connectionState(page: Page) {
  return page.getByTestId('connection-status')
}

/** The join form is on screen and no room is: nothing to type a message into, no count. */
async function expectJoinFormOnly(page: Page) {
  await expect(page.getByTestId('name-input')).toBeVisible()
  await expect(page.getByTestId('message-input')).toHaveCount(0)
  await expect(page.getByTestId('online-count')).toHaveCount(0)
  await expect(connectionState(page)).toHaveCount(0)
}

/**
 * Routes this tab's socket through the test, which can hold back chat frames on
 * their way to the server (they stay "sending…") or every frame on its way back.
 */
async function interceptSocket(page: Page) {
  const held = { chatToServer: false, everythingToPage: false }
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer()
    ws.onMessage((message) => {
      if (held.chatToServer && String(message).includes('"type":"chat"')) return
      server.send(message)
    })
    server.onMessage((message) => {
      if (!held.everythingToPage) ws.send(message)
    })
  })
  return held
}

/** Ada's new room, open in a second tab of hers whose socket the test can hold back. */
async function roomWithInterceptedSecondTab(browser: Browser) {
  const { ada, roomId } = await adaInANewRoom(browser)
  const secondTab = await ada.context().newPage()
  const held = await interceptSocket(secondTab)
  await secondTab.goto(`/room/${roomId}`)
  await expect(connectionState(secondTab)).toHaveAttribute('data-state', 'connected')
  return { ada, secondTab, held, roomId }
}

test('five wrong passwords keep the person on the join form; the lockout says how long; a reload asks again', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser, { password: 'open sesame' })
  const eve = await newPerson(browser)

  await eve.goto(`/room/${roomId}`)
  await eve.getByTestId('name-input').fill('Eve')
  for (let attempt = 1; attempt <= 5; attempt++) {
    await eve.getByTestId('password-input').fill(`guess ${attempt}`)
    await eve.getByTestId('join-button').click()
    await expect(eve.getByTestId('password-error')).toHaveText('That password does not open this room.')
    await expectJoinFormOnly(eve)
  }
  // Past the limit even the right password waits, and the form says for how long.
  await eve.getByTestId('password-input').fill('open sesame')
  await eve.getByTestId('join-button').click()
  await expect(eve.getByTestId('password-error')).toHaveText(/^Too many wrong passwords for this room\. Try again in \d+ s\.$/)
  await expect(eve.getByTestId('join-button')).toBeDisabled()
  await expectJoinFormOnly(eve)
  expect(await eve.evaluate(() => JSON.stringify({ ...sessionStorage }))).not.toContain('guess')

  await eve.reload()
  await expect(eve.getByTestId('password-input')).toBeVisible()
  await expectJoinFormOnly(eve)
  await ada.context().close()
  await eve.context().close()
})

test('a taken name is said next to the name field, and no room is shown', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser)
  const other = await newPerson(browser)
  await joinFromLink(other, 'ada', roomId)
  await expect(other.getByTestId('name-error')).toHaveText('Someone in this room is already called ada. Pick another name.')
  await expectJoinFormOnly(other)
  await other.getByTestId('name-input').fill('Ada 2')
  await other.getByTestId('join-button').click()
  await expect(connectionState(other)).toHaveAttribute('data-state', 'connected')
  await expect(other.getByTestId('message-input')).toBeFocused()
  await ada.context().close()
  await other.context().close()
})

test('leave in one tab ends the other tab within a second, and what was unsent there is dropped with the note', async ({ browser }) => {
  const { ada, secondTab, held, roomId } = await roomWithInterceptedSecondTab(browser)

  held.chatToServer = true
  await say(secondTab, 'typed in the second tab')
  await expect(secondTab.getByTestId('message-status')).toHaveAttribute('data-state', 'sending')

  await ada.getByTestId('leave-button').click()
  await expect(secondTab.getByTestId('join-note')).toHaveText('You left this room. 1 unsent message was dropped.', { timeout: 1000 })
  await expectJoinFormOnly(secondTab)
  expect(await secondTab.evaluate(id => localStorage.getItem(`heartbeat:outbox:${id}`), roomId)).toBeNull()
  await ada.context().close()
})

test('leave in one tab ends a tab that missed the server\'s left frame, through storage', async ({ browser }) => {
  const { ada, secondTab, held } = await roomWithInterceptedSecondTab(browser)

  held.everythingToPage = true
  await ada.getByTestId('leave-button').click()
  await expect(secondTab.getByTestId('join-note')).toHaveText('You left this room.', { timeout: 1000 })
  await expectJoinFormOnly(secondTab)
  await ada.context().close()
})

test('a member of a protected room opens it in a new tab without the password, with a lock in the header', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser, { password: 'open sesame' })
  await expect(ada.getByTestId('room-lock')).toBeVisible()
  const secondTab = await openInAnotherTab(ada, roomId)
  await expect(secondTab.getByTestId('room-lock')).toHaveAccessibleName('Protected by a password')
  await expect(secondTab.getByTestId('password-input')).toHaveCount(0)
  await expect(secondTab.getByTestId('member-item')).toHaveCount(1)
  await ada.context().close()
})

test('a password typed for a room that has none gets a plain note, and the room shows no lock', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser)
  const bob = await newPerson(browser)
  await joinFromHome(bob, 'Bob', roomId, 'i-thought-it-was-locked')
  await expect(connectionState(bob)).toHaveAttribute('data-state', 'connected')
  await expect(bob.getByText('This room has no password, so the one you typed was not used')).toBeVisible()
  await expect(bob.getByTestId('room-lock')).toHaveCount(0)
  await ada.context().close()
  await bob.context().close()
})

test('Back after Leave shows the join form and does not rejoin', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await expect(ada.getByTestId('member-item')).toHaveCount(2)
  await bob.getByTestId('leave-button').click()
  await expect(bob).toHaveURL(/\/$/)
  await expect(ada.getByTestId('member-item')).toHaveCount(1)

  await bob.goBack()
  await expect(bob.getByTestId('join-note')).toHaveText('You left this room.')
  await expectJoinFormOnly(bob)
  await bob.waitForTimeout(1000)
  await expect(ada.getByTestId('member-item')).toHaveCount(1)
  await ada.context().close()
  await bob.context().close()
})

test('a new room logs no 404 and no error in the console, and the page says its language', async ({ browser }) => {
  const ada = await newPerson(browser)
  const problems: string[] = []
  ada.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  ada.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
  })
  await createFromHome(ada, 'Ada', freshRoomId())
  await expect.soft(ada.locator('html')).toHaveAttribute('lang', 'en')
  await ada.waitForTimeout(500)
  expect(problems).toEqual([])
  await ada.context().close()
})
