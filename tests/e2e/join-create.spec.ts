import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { adaInANewRoom, createFromHome, freshRoomId, joinFromLink, newPerson } from './room'

async function roomSummary(page: Page, roomId: string) {
  return (await page.request.get(`/api/rooms/${roomId}`)).json() as Promise<{ exists: boolean, online: number, title?: string }>
}

/** Everything this tab keeps for the session, as one string to search. */
async function sessionStorageText(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({ ...sessionStorage }))
}

test('Join a room with a mistyped id says no such room exists and creates nothing; the id in capitals joins the room', async ({ browser }) => {
  const { ada, roomId } = await adaInANewRoom(browser)

  const bob = await newPerson(browser)
  await bob.goto('/')
  const typo = `${roomId}x`
  await bob.getByTestId('name-input').fill('Bob')
  await bob.getByTestId('room-input').fill(typo)
  await bob.getByTestId('join-button').click()
  await expect(bob.getByTestId('join-error')).toHaveText(`No room called ${typo} exists. Check the id, or create it with New room.`)
  await expect(bob).toHaveURL(/\/$/)
  expect(await roomSummary(bob, typo)).toMatchObject({ exists: false })

  await bob.getByTestId('room-input').fill(roomId.toUpperCase())
  await bob.getByTestId('join-button').click()
  await expect(bob).toHaveURL(new RegExp(`/room/${roomId}$`))
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(bob.getByTestId('online-count')).toContainText('2')
  // Still nothing under the typo, after Bob's page has come and gone from the lobby.
  expect(await roomSummary(bob, typo)).toMatchObject({ exists: false })
  await ada.context().close()
  await bob.context().close()
})

test('a link to a room that does not exist says so, and its button creates the room; a link in capitals lands on the lower-case room', async ({ browser }) => {
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  await ada.goto(`/room/${roomId.toUpperCase()}`)
  await expect(ada).toHaveURL(new RegExp(`/room/${roomId}$`))
  await expect(ada.getByTestId('join-missing')).toHaveText(`No room called ${roomId} exists yet. Create it, and you will be its owner.`)
  expect(await roomSummary(ada, roomId)).toMatchObject({ exists: false })
  await expect(ada.getByTestId('join-button')).toHaveText('Create room')
  await ada.getByTestId('name-input').fill('Ada')
  await ada.getByTestId('join-button').click()
  await expect(ada.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  expect(await roomSummary(ada, roomId)).toMatchObject({ exists: true, online: 1 })
  await ada.context().close()
})

test('the join form of a link comes from the server with the password field, the title and the live count', async ({ browser }) => {
  // Four people and a count that is asked every 5 s.
  test.slow()
  const openId = freshRoomId()
  const lockedId = freshRoomId()
  const ada = await newPerson(browser)
  await createFromHome(ada, 'Ada', openId, { title: 'Design review', visibility: 'public' })
  const owner = await newPerson(browser)
  await createFromHome(owner, 'Owner', lockedId, { password: 'open sesame' })

  // The server's own HTML, before any script: a protected room's form has its password field.
  const lockedHtml = await (await ada.request.get(`/room/${lockedId}`)).text()
  expect(lockedHtml).toContain('data-testid="password-input"')
  expect(lockedHtml).toMatch(/data-testid="join-room-online"[^>]*>1 online now</)
  expect(lockedHtml).not.toContain('data-testid="join-room-title"')
  const openHtml = await (await ada.request.get(`/room/${openId}`)).text()
  expect(openHtml).toMatch(/data-testid="join-room-title"[^>]*>Design review</)
  expect(openHtml).not.toContain('data-testid="password-input"')

  const bob = await newPerson(browser)
  await bob.goto(`/room/${openId}`)
  await expect(bob.getByTestId('join-room-title')).toHaveText('Design review')
  await expect(bob.getByTestId('join-room-online')).toHaveText('1 online now')
  const carol = await newPerson(browser)
  await joinFromLink(carol, 'Carol', openId)
  await expect(carol.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  // Bob's form, left open, follows the room.
  await expect(bob.getByTestId('join-room-online')).toHaveText('2 online now', { timeout: 15_000 })
  for (const page of [ada, owner, bob, carol]) await page.context().close()
})

test('no password stays in sessionStorage once a join has opened the room, and a reload comes back without it', async ({ browser }) => {
  test.slow()
  const roomId = freshRoomId()
  const owner = await newPerson(browser)
  await createFromHome(owner, 'Owner', roomId, { password: 'open sesame' })
  expect(await sessionStorageText(owner)).not.toContain('open sesame')

  const bob = await newPerson(browser)
  await joinFromLink(bob, 'Bob', roomId, 'open sesame')
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  expect(await sessionStorageText(bob)).not.toContain('open sesame')
  await bob.reload()
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  await expect(bob.getByTestId('online-count')).toContainText('2')
  for (const page of [owner, bob]) await page.context().close()
})
