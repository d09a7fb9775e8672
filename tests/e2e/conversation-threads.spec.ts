import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { messageSaying, seriousViolations } from './conversation-support'
import { freshRoomId, joinFromLink, meetInNewRoom, newPerson, say, twoMembersInARoom } from './room'

const mainList = (page: Page) => page.getByTestId('message-list')
const panel = (page: Page) => page.getByTestId('thread-panel')

/** The message of the main timeline that says `text`. */
function rootSaying(page: Page, text: string) {
  return mainList(page).getByTestId('message-item').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
}

/** Opens the thread of a message from its actions, as a mouse user does. */
async function openThreadOf(page: Page, text: string) {
  const root = rootSaying(page, text)
  await root.hover()
  await root.getByTestId('thread-open').click()
  await expect(panel(page)).toBeVisible()
}

async function replyInThread(page: Page, text: string) {
  const box = panel(page).getByTestId('message-input')
  await box.fill(text)
  await box.press('Enter')
}

test('a thread with three replies shows its summary in the main timeline for another member', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(ada, 'where shall we eat tonight?')
  await say(ada, 'and who books?')
  await expect(rootSaying(bob, 'and who books?')).toBeVisible()

  await openThreadOf(ada, 'where shall we eat tonight?')
  await expect(panel(ada).getByTestId('thread-root')).toContainText('where shall we eat tonight?')
  await replyInThread(ada, 'the noodle place')
  // One reply, said as one, for the other member at once.
  await expect(rootSaying(bob, 'where shall we eat tonight?').getByTestId('thread-summary')).toContainText('1 reply ·')
  await replyInThread(ada, 'or the taco truck')
  await replyInThread(ada, 'noodles it is')
  await expect(panel(ada).getByTestId('thread-replies').getByTestId('message-item')).toHaveCount(3)
  await expect(panel(ada).getByTestId('thread-replies').getByTestId('message-item').last()).toHaveAttribute('data-delivery', 'sent')

  const summary = rootSaying(bob, 'where shall we eat tonight?').getByTestId('thread-summary')
  await expect(summary).toHaveText(/3 replies · last reply just now/)
  // The replies are in the thread, not in Bob's main timeline; the other root has no summary.
  await expect(mainList(bob)).not.toContainText('noodle')
  await expect(mainList(bob)).not.toContainText('taco')
  await expect(rootSaying(bob, 'and who books?').getByTestId('thread-summary')).toHaveCount(0)
  await expect(mainList(ada)).not.toContainText('taco')

  await summary.click()
  await expect(panel(bob)).toBeVisible()
  await expect(panel(bob)).toHaveAttribute('role', 'region')
  await expect(panel(bob).getByRole('heading', { name: 'Thread' })).toBeVisible()
  await expect(panel(bob).getByTestId('thread-replies').getByTestId('message-text')).toHaveText(['the noodle place', 'or the taco truck', 'noodles it is'])
  expect(await seriousViolations(bob, ['[data-testid="thread-panel"]', '[data-testid="message-list"]'])).toEqual([])

  // Bob answers in the thread: Ada's summary and panel follow.
  await replyInThread(bob, 'booked for 8')
  await expect(panel(ada).getByTestId('thread-replies').getByTestId('message-text')).toHaveText(['the noodle place', 'or the taco truck', 'noodles it is', 'booked for 8'])
  await expect(rootSaying(ada, 'where shall we eat tonight?').getByTestId('thread-summary')).toContainText('4 replies')

  // Escape closes the panel and the keyboard goes back to the summary that opened it.
  await panel(bob).getByTestId('message-input').press('Escape')
  await expect(panel(bob)).toHaveCount(0)
  await expect(summary).toBeFocused()

  // After a reload the summary is the server's, and still no reply is in the main timeline.
  await bob.reload()
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(rootSaying(bob, 'where shall we eat tonight?').getByTestId('thread-summary')).toContainText('4 replies')
  await expect(mainList(bob)).not.toContainText('booked for 8')
})

test('on a phone the thread panel covers the screen, with a clear way back', async ({ browser }) => {
  const ada = await newPerson(browser)
  const bob = await newPerson(browser, { viewport: { width: 320, height: 640 } })
  await meetInNewRoom(ada, bob)
  await say(ada, 'photos from the trip?')
  await openThreadOf(ada, 'photos from the trip?')
  await replyInThread(ada, 'uploading them now')

  const summary = rootSaying(bob, 'photos from the trip?').getByTestId('thread-summary')
  await expect(summary).toContainText('1 reply')
  await summary.click()
  await expect(panel(bob)).toHaveAttribute('role', 'dialog')
  await expect(panel(bob)).toHaveAttribute('aria-modal', 'true')
  await expect(panel(bob).getByTestId('message-text').last()).toHaveText('uploading them now')
  expect(await panel(bob).boundingBox()).toEqual({ x: 0, y: 0, width: 320, height: 640 })
  expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
  const close = panel(bob).getByTestId('thread-close')
  await expect(close).toBeVisible()
  await expect(close).toHaveText(/Close thread/)
  expect(await seriousViolations(bob, ['[data-testid="thread-panel"]'])).toEqual([])

  await close.click()
  await expect(panel(bob)).toHaveCount(0)
  await expect(mainList(bob)).toBeVisible()
})

test('a deleted root stays as a tombstone that keeps its thread', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(ada, 'a plan I will take back')
  await openThreadOf(ada, 'a plan I will take back')
  await replyInThread(ada, 'the reply stays')
  await panel(ada).getByTestId('thread-close').click()
  await expect(rootSaying(bob, 'a plan I will take back').getByTestId('thread-summary')).toContainText('1 reply')

  ada.on('dialog', dialog => void dialog.accept())
  const root = rootSaying(ada, 'a plan I will take back')
  await root.hover()
  await root.getByTestId('action-delete').click()

  const tombstone = mainList(bob).getByTestId('message-item').filter({ has: bob.getByTestId('message-deleted') })
  await expect(tombstone.getByTestId('message-deleted')).toHaveText('This message was deleted')
  await expect(tombstone.getByTestId('thread-summary')).toContainText('1 reply')
  await expect(messageSaying(bob, 'a plan I will take back')).toHaveCount(0)

  // From the server too: after a reload the tombstone still carries the thread, and opens it.
  await bob.reload()
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await tombstone.getByTestId('thread-summary').click()
  await expect(panel(bob).getByTestId('thread-root').getByTestId('message-deleted')).toBeVisible()
  await expect(panel(bob).getByTestId('thread-replies').getByTestId('message-text')).toHaveText(['the reply stays'])
  // The server takes no reply to a deleted root: none is offered.
  await expect(panel(bob).getByTestId('thread-closed')).toBeVisible()
  await expect(panel(bob).getByTestId('message-input')).toHaveCount(0)
})

test('in an end-to-end encrypted room a thread\'s replies go sealed and open in the other member\'s panel, edits too', async ({ browser }) => {
  test.setTimeout(90_000)
  const password = 'a thread password 42'
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const sentByAda: string[] = []
  ada.on('websocket', socket => socket.on('framesent', frame => void sentByAda.push(String(frame.payload))))
  const roomId = freshRoomId()
  await ada.goto('/')
  await ada.getByTestId('new-room-name').fill('Ada')
  await ada.getByTestId('new-room-id').fill(roomId)
  await ada.getByTestId('new-room-password').fill(password)
  await ada.getByTestId('e2ee-toggle').check()
  await ada.getByTestId('create-room-button').click()
  await expect(ada.getByTestId('e2ee-badge')).toBeVisible()
  await joinFromLink(bob, 'Bob', roomId, password)
  await expect(bob.getByTestId('e2ee-badge')).toBeVisible()

  await say(ada, 'sealed question')
  await expect(rootSaying(bob, 'sealed question')).toBeVisible()
  await openThreadOf(ada, 'sealed question')
  await replyInThread(ada, 'sealed answer in the thread')
  await expect(panel(ada).getByTestId('thread-replies').getByTestId('message-item')).toHaveAttribute('data-delivery', 'sent')

  await rootSaying(bob, 'sealed question').getByTestId('thread-summary').click()
  await expect(panel(bob).getByTestId('thread-root').getByTestId('message-text')).toHaveText('sealed question')
  await expect(panel(bob).getByTestId('thread-replies').getByTestId('message-text')).toHaveText(['sealed answer in the thread'])

  const reply = panel(ada).getByTestId('thread-replies').getByTestId('message-item')
  await reply.hover()
  await reply.getByTestId('action-edit').click()
  await panel(ada).getByTestId('edit-input').fill('sealed answer, edited')
  await panel(ada).getByTestId('edit-input').press('Enter')
  await expect(panel(bob).getByTestId('thread-replies').getByTestId('message-text')).toContainText('sealed answer, edited')
  await expect(panel(bob).getByTestId('edited-mark')).toBeVisible()
  expect(sentByAda.some(frame => frame.includes('"threadId"'))).toBe(true)
  expect(sentByAda.filter(frame => frame.includes('sealed answer'))).toEqual([])
})
