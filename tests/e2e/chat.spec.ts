import { expect, test } from '@playwright/test'
import { adaInANewRoom, joinFromLink, messageWithText, newPerson, onlineCount, say, twoMembersInARoom } from './room'

test('two people in one room see each other, chat, and the count follows who is there', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser)
  const bob = await newPerson(browser)
  await expect(onlineCount(ada)).toHaveText(/^\s*1 online/)

  await joinFromLink(bob, 'Bob', roomId)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  for (const page of [ada, bob]) {
    await expect(onlineCount(page)).toHaveText(/^\s*2 online/)
    await expect(page.getByTestId('member-count')).toHaveText(/2 members/)
    await expect(page.getByTestId('member-item')).toHaveCount(2)
  }
  await expect(ada.getByTestId('system-item').filter({ hasText: 'Bob' })).toHaveCount(1)

  await say(ada, 'hello from <b>Ada</b>')
  await expect(messageWithText(bob, 'hello from <b>Ada</b>')).toHaveCount(1)
  await expect(messageWithText(bob, 'hello from <b>Ada</b>')).toContainText('Ada')
  await bob.getByTestId('message-input').fill('hi Ada')
  await bob.getByTestId('send-button').click()
  await expect(messageWithText(ada, 'hi Ada')).toHaveCount(1)
  await expect(ada.getByTestId('message-item')).toHaveCount(2)

  await bob.context().close()
  await expect(onlineCount(ada)).toHaveText(/^\s*1 online/, { timeout: 1500 })
  await ada.context().close()
})

test('going offline shows offline at once, and coming back online shows connected', async ({ browser }) => {
  const { ada } = await adaInANewRoom(browser)
  await ada.context().setOffline(true)
  // The browser's offline event is believed at once, not after the pong timeout.
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline', { timeout: 1000 })
  await expect(onlineCount(ada)).toHaveAttribute('data-stale', 'true')
  await ada.context().setOffline(false)
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 6000 })
  await expect(onlineCount(ada)).toHaveText(/^\s*1 online/)
  await ada.context().close()
})

test('a protected room turns away a wrong password and lets the right one in', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser, { password: 'open sesame' })
  const eve = await newPerson(browser)

  await joinFromLink(eve, 'Eve', roomId, 'guess')
  await expect(eve.getByTestId('password-error')).toHaveText('That password does not open this room.')
  await expect(onlineCount(ada)).toHaveText(/^\s*1 online/)

  await eve.getByTestId('password-input').fill('open sesame')
  await eve.getByTestId('join-button').click()
  await expect(eve.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(onlineCount(ada)).toHaveText(/^\s*2 online/)
  await ada.context().close()
  await eve.context().close()
})

test('a reload comes back as the same member, with the messages already said', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(bob, 'before the reload')
  await expect(ada.getByTestId('message-item')).toHaveCount(1)

  await bob.reload()
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(messageWithText(bob, 'before the reload')).toHaveCount(1)
  await expect(onlineCount(ada)).toHaveText(/^\s*2 online/)
  await expect(ada.getByTestId('member-item')).toHaveCount(2)
  await expect(ada.getByTestId('member-count')).toHaveText(/2 members/)
  await ada.context().close()
  await bob.context().close()
})

test('leaving takes you back to the start and out of the member list', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await expect(ada.getByTestId('member-item')).toHaveCount(2)
  await bob.getByTestId('leave-button').click()
  await expect(bob).toHaveURL(/\/$/)
  await expect(bob.getByTestId('name-input')).toHaveValue('Bob')
  await expect(ada.getByTestId('member-item')).toHaveCount(1)
  await expect(ada.getByTestId('member-count')).toHaveText(/1 member\b/)
  await ada.context().close()
  await bob.context().close()
})
