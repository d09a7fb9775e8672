import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import WebSocket from 'ws'
import { freshRoomId, joinFromLink, newPerson, say, twoMembersInARoom } from './room'

/** The message whose own text (not a reply's quote of another) says `text`. */
function message(page: Page, text: string) {
  return page.getByTestId('message-item').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
}

/** Makes the page hidden as a background tab is (document.hidden and a visibilitychange). */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hide) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/** Posts `count` messages numbered from 1 through several raw sockets, each within its frame burst. */
async function seedMessages(baseURL: string, roomId: string, count: number) {
  const perSocket = 15
  let next = 1
  for (let start = 0; start < count; start += perSocket) {
    const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/ws`, { origin: baseURL })
    await new Promise(resolve => ws.once('open', resolve))
    const frames: Array<{ type: string }> = []
    ws.on('message', data => frames.push(JSON.parse(data.toString()) as { type: string }))
    ws.send(JSON.stringify({ type: 'join', roomId, name: `Seeder${start}`, create: true }))
    await expect.poll(() => frames.some(frame => frame.type === 'joined')).toBe(true)
    const mine = Math.min(perSocket, count - start)
    // One socket's frames are handled in order, so its messages take consecutive seqs.
    for (let i = 0; i < mine; i++) ws.send(JSON.stringify({ type: 'chat', text: `old #${next++}` }))
    await expect.poll(() => frames.filter(frame => frame.type === 'chat').length).toBe(mine)
    ws.send(JSON.stringify({ type: 'leave' }))
    ws.close()
  }
}

test('typing shows on the other side and clears when the draft is cleared or sent', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)

  await ada.getByTestId('message-input').pressSequentially('hel')
  await expect(bob.getByTestId('typing-indicator')).toHaveText('Ada is typing…')
  // Never told of oneself.
  await expect(ada.getByTestId('typing-indicator')).toHaveText('')
  await ada.getByTestId('message-input').fill('')
  await expect(bob.getByTestId('typing-indicator')).toHaveText('')

  await ada.getByTestId('message-input').pressSequentially('hello')
  await expect(bob.getByTestId('typing-indicator')).toHaveText('Ada is typing…')
  await ada.getByTestId('message-input').press('Enter')
  await expect(message(bob, 'hello')).toHaveCount(1)
  await expect(bob.getByTestId('typing-indicator')).toHaveText('')
  await ada.context().close()
  await bob.context().close()
})

test('a hidden page counts new messages in its title, and showing it again clears the count', async ({ browser }) => {
  const { ada, bob, roomId } = await twoMembersInARoom(browser)
  const title = await bob.title()
  expect(title).toContain(roomId)

  await setHidden(bob, true)
  for (const text of ['one', 'two', 'three']) await say(ada, text)
  await expect(bob).toHaveTitle(`(3) ${title}`)
  await expect(bob).toHaveTitle(new RegExp(`^\\(3\\) ${roomId}`))
  await setHidden(bob, false)
  await expect(bob).toHaveTitle(title)
  await ada.context().close()
  await bob.context().close()
})

test('scrolling to the top loads older messages, keeps the reading position, and stops at the first', async ({ browser, baseURL }) => {
  const roomId = freshRoomId()
  await seedMessages(baseURL!, roomId, 120)
  const bob = await newPerson(browser)
  await joinFromLink(bob, 'Bob', roomId)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(bob.getByTestId('message-item')).toHaveCount(50)
  await expect(message(bob, 'old #71')).toHaveCount(1)
  await expect(bob.getByTestId('load-older')).toBeVisible()

  const list = bob.getByTestId('message-list')
  await list.evaluate((element) => { element.scrollTop = 0 })
  await expect(bob.getByTestId('message-item')).toHaveCount(100)
  // The message that was at the top is still where the reader left it, not pushed off.
  const listBox = (await list.boundingBox())!
  const keptBox = (await message(bob, 'old #71').first().boundingBox())!
  expect(keptBox.y).toBeGreaterThanOrEqual(listBox.y - keptBox.height)
  expect(keptBox.y).toBeLessThan(listBox.y + listBox.height)

  await list.evaluate((element) => { element.scrollTop = 0 })
  await expect(bob.getByTestId('message-item')).toHaveCount(120)
  await expect(bob.getByTestId('load-older')).toHaveCount(0)
  const texts = await bob.getByTestId('message-text').allTextContents()
  expect(texts.map(text => text.trim())).toEqual(Array.from({ length: 120 }, (_, i) => `old #${i + 1}`))
  await bob.context().close()
})

test('a reply, a reaction, an edit, a delete and a mention appear on the other side', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  await say(ada, 'teh first word')
  await say(ada, 'a second thought')
  await expect(message(bob, 'a second thought')).toHaveCount(1)

  // Bob replies to Ada's first message.
  await message(bob, 'teh first word').hover()
  await message(bob, 'teh first word').getByTestId('action-reply').click()
  await expect(bob.getByTestId('reply-banner')).toContainText('teh first word')
  await say(bob, 'I agree')
  const reply = message(ada, 'I agree')
  await expect(reply.getByTestId('reply-quote')).toContainText('Ada')
  await expect(reply.getByTestId('reply-quote')).toContainText('teh first word')

  // Bob reacts; Ada sees it, and adds her own.
  await message(bob, 'a second thought').hover()
  await message(bob, 'a second thought').locator('[data-testid="quick-react"][data-emoji="🎉"]').click()
  const adaReaction = message(ada, 'a second thought').getByTestId('reaction')
  await expect(adaReaction).toHaveText('🎉 1')
  await adaReaction.click()
  await expect(message(bob, 'a second thought').getByTestId('reaction')).toHaveText('🎉 2')

  // Ada edits her first message; Bob sees the new text marked edited.
  await message(ada, 'teh first word').hover()
  await message(ada, 'teh first word').getByTestId('action-edit').click()
  await ada.getByTestId('edit-input').fill('the first word')
  await ada.getByTestId('edit-input').press('Enter')
  await expect(message(bob, 'the first word').getByTestId('edited-mark')).toBeVisible()
  // Bob cannot edit or delete Ada's message.
  await message(bob, 'the first word').hover()
  await expect(message(bob, 'the first word').getByTestId('action-edit')).toHaveCount(0)

  // Ada deletes her second message; Bob sees a tombstone.
  ada.once('dialog', dialog => void dialog.accept())
  await message(ada, 'a second thought').hover()
  await message(ada, 'a second thought').getByTestId('action-delete').click()
  await expect(bob.getByTestId('message-deleted')).toHaveCount(1)
  await expect(message(bob, 'a second thought')).toHaveCount(0)

  // A mention: Bob picks Ada from the list after @; Ada's page highlights it.
  await bob.getByTestId('message-input').pressSequentially('@Ad')
  await expect(bob.getByTestId('mention-suggestions')).toContainText('@Ada')
  await bob.getByTestId('message-input').press('Tab')
  await bob.getByTestId('message-input').pressSequentially('look here')
  await bob.getByTestId('message-input').press('Enter')
  await expect(message(ada, '@Ada look here')).toHaveAttribute('data-mentioned', 'true')
  await expect(message(bob, '@Ada look here')).not.toHaveAttribute('data-mentioned', 'true')
  await ada.context().close()
  await bob.context().close()
})
