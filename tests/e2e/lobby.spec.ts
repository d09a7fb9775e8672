import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'
import { adaInANewRoom, joinFromHome, joinFromLink, meetInNewRoom, messageWithText, newPerson, onlineCount, say, twoMembersInARoom } from './room'

const card = (page: Page, roomId: string) => page.getByTestId('room-directory').locator(`[data-testid="room-card"][data-room-id="${roomId}"]`)

test('a person finds a public room in the lobby, sees its count move when someone joins, and joins it', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser, { title: 'Lobby test room', visibility: 'public' })
  await expect(ada.getByTestId('room-title')).toHaveText('Lobby test room')

  const bob = await newPerson(browser)
  await bob.goto('/')
  await bob.getByTestId('room-search').fill('lobby test')
  await expect(card(bob, roomId)).toContainText('Lobby test room')
  const online = card(bob, roomId).getByTestId('room-online')
  await expect(online).toHaveText('1 online')
  await expect(online).toHaveAttribute('data-stale', 'false')

  // Someone joins elsewhere: the count moves on Bob's open lobby, without a reload.
  const carol = await newPerson(browser)
  await joinFromHome(carol, 'Carol', roomId)
  await expect(online).toHaveText('2 online', { timeout: 4000 })
  await expect(card(bob, roomId).getByTestId('room-members')).toHaveText('2 members')

  await card(bob, roomId).getByTestId('room-card-link').click()
  await expect(bob).toHaveURL(new RegExp(`/room/${roomId}$`))
  await bob.getByTestId('name-input').fill('Bob')
  await bob.getByTestId('join-button').click()
  await expect(onlineCount(bob)).toHaveText(/^3 online/)
  await expect(bob.getByTestId('room-title')).toHaveText('Lobby test room')

  // Back in the lobby the room is among Bob's rooms, with its live count.
  await bob.goto('/')
  const mine = bob.getByTestId('your-rooms').locator(`[data-room-id="${roomId}"]`)
  await expect(mine.getByTestId('your-room-online')).toHaveText('2 online', { timeout: 4000 })
  // What is said while Bob is away is counted there as new.
  await say(carol, 'anyone there?')
  await expect(mine.getByTestId('your-room-unread')).toHaveText('1 new', { timeout: 4000 })

  // Without a connection the counts are shown as last seen, and live again after.
  await bob.context().setOffline(true)
  await expect(card(bob, roomId).getByTestId('room-online')).toHaveAttribute('data-stale', 'true')
  await expect(mine.getByTestId('your-room-online')).toHaveAttribute('data-stale', 'true')
  await bob.context().setOffline(false)
  await expect(card(bob, roomId).getByTestId('room-online')).toHaveAttribute('data-stale', 'false', { timeout: 10_000 })
})

test('an unlisted room is not in the lobby', async ({ browser }) => {
  const { roomId } = await adaInANewRoom(browser, { title: 'Hidden room', visibility: 'unlisted' })
  const bob = await newPerson(browser)
  await bob.goto('/')
  await bob.getByTestId('room-search').fill(roomId)
  await expect(bob.getByTestId('directory-empty')).toBeVisible()
  await expect(bob.getByTestId('search-open')).toHaveAttribute('href', `/room/${roomId}`)
})

test('the owner renames the room and removes a member, who is told until when and cannot rejoin', async ({ browser }) => {
  const { ada, bob, roomId } = await twoMembersInARoom(browser, { title: 'Before', visibility: 'public' })
  await expect(bob.getByTestId('room-title')).toHaveText('Before')
  // Bob is not the owner.
  await expect(bob.getByTestId('rename-button')).toHaveCount(0)
  await expect(bob.getByTestId('kick-button')).toHaveCount(0)

  await ada.getByTestId('rename-button').click()
  await ada.getByTestId('title-input').fill('After')
  await ada.getByTestId('title-save').click()
  await expect(bob.getByTestId('room-title')).toHaveText('After')

  const bobItem = ada.getByTestId('member-item').filter({ hasText: 'Bob' })
  await bobItem.getByTestId('kick-button').click()
  await bobItem.getByTestId('kick-confirm').click()
  await expect(bob.getByTestId('kicked-notice')).toBeVisible()
  await expect(bob.getByTestId('kicked-notice')).toContainText(/after \d{1,2}:\d{2}/)
  await expect(ada.getByTestId('member-item')).toHaveCount(1)

  await joinFromLink(bob, 'Bob', roomId)
  await expect(bob.getByTestId('kicked-notice')).toBeVisible()
  await expect(bob.getByTestId('online-count')).toHaveCount(0)
})

test('a private conversation between two people; a third with the link is refused', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser, { title: 'Meeting point', visibility: 'public' })
  await expect(ada.getByTestId('member-item')).toHaveCount(2)

  await ada.getByTestId('member-item').filter({ hasText: 'Bob' }).getByTestId('dm-button').click()
  await expect(ada.getByTestId('room-peer')).toHaveText('Private conversation with Bob')
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  const privateRoomId = decodeURIComponent(new URL(ada.url()).pathname.split('/').pop()!)

  await expect(bob.getByTestId('invite-badge')).toHaveText('1')
  await expect(bob.getByTestId('invite-notice')).toContainText('Ada invites you to a private conversation.')
  await bob.getByTestId('invite-open').click()
  await expect(bob).toHaveURL(new RegExp(`/room/${privateRoomId}$`))
  await expect(bob.getByTestId('room-peer')).toHaveText('Private conversation with Ada')
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')

  await say(ada, 'just between us')
  await expect(messageWithText(bob, 'just between us')).toHaveCount(1)
  await say(bob, 'agreed')
  await expect(messageWithText(ada, 'agreed')).toHaveCount(1)

  const carol = await newPerson(browser)
  await joinFromLink(carol, 'Carol', privateRoomId)
  await expect(carol.getByTestId('private-refused')).toBeVisible()
  await expect(carol.getByTestId('message-item')).toHaveCount(0)

  // Both have it under "Your rooms", by the other one's name.
  await bob.goto('/')
  await expect(bob.getByTestId('your-rooms').locator(`[data-room-id="${privateRoomId}"]`)).toContainText('Private · Ada')
  await ada.goto('/')
  await expect(ada.getByTestId('your-rooms').locator(`[data-room-id="${privateRoomId}"]`)).toContainText('Private · Bob')
  // A private room is never listed.
  await expect(card(ada, privateRoomId)).toHaveCount(0)
})

/** Serious and critical axe findings on the whole page. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap(violation => violation.nodes.map(node => `${violation.id} at ${node.target.join(' ')}: ${node.failureSummary}`))
}

async function personWithTheme(browser: Browser, baseURL: string, theme: 'light' | 'dark', locale: string): Promise<Page> {
  const page = await newPerson(browser, { colorScheme: theme, locale })
  await page.context().addCookies([{ name: 'heartbeat_theme', value: theme, url: baseURL }])
  return page
}

for (const [theme, locale] of [['light', 'en'], ['dark', 'zh-CN']] as const) {
  test(`${theme}, ${locale}: the lobby with its rooms, the owner's controls and an invite have no serious or critical axe violation`, async ({ browser, baseURL }) => {
    // Four scans with two browsers open: on a shared machine this takes longer than the default 30 s.
    test.slow()
    const ada = await personWithTheme(browser, baseURL!, theme, locale)
    const bob = await personWithTheme(browser, baseURL!, theme, locale)
    const roomId = await meetInNewRoom(ada, bob, { title: 'Axe room', visibility: 'public' })

    const bobItem = ada.getByTestId('member-item').filter({ hasText: 'Bob' })
    await bobItem.getByTestId('kick-button').click()
    await expect(bobItem.getByTestId('kick-confirm')).toBeVisible()
    expect(await seriousViolations(ada), 'owner with a removal question').toEqual([])
    await bobItem.getByTestId('kick-cancel').click()

    await bobItem.getByTestId('dm-button').click()
    await expect(bob.getByTestId('invite-notice')).toBeVisible()
    expect(await seriousViolations(bob), 'an invite').toEqual([])
    expect(await seriousViolations(ada), 'a private room').toEqual([])

    await bob.goto('/')
    await expect(card(bob, roomId)).toBeVisible()
    await expect(bob.getByTestId('your-room')).toHaveCount(2)
    // The remembered name enables Create room after mount; axe must not read its fade-in halfway.
    await expect(bob.getByTestId('create-room-button')).toHaveCSS('opacity', '1')
    expect(await seriousViolations(bob), 'the lobby').toEqual([])
  })
}
