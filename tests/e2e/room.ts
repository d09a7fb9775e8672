import { expect } from '@playwright/test'
import type { Browser, BrowserContextOptions, Page } from '@playwright/test'

export function freshRoomId(): string {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
}

/** A new person: their own browser context (a viewport, a locale, a base URL if given), so nothing is shared but the server. */
export async function newPerson(browser: Browser, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options)
  return context.newPage()
}

/** What the start page's New room form is given besides the owner's name and the id. */
export interface NewRoom {
  title?: string
  password?: string
  /** @default 'unlisted' */
  visibility?: 'public' | 'unlisted'
}

/**
 * Creates a room from the start page's New room form, as a first-time visitor
 * would: unlisted unless asked otherwise, as rooms made by a join were before
 * joins stopped creating.
 */
export async function createFromHome(page: Page, name: string, roomId: string, room: NewRoom = {}): Promise<void> {
  const { title, password, visibility = 'unlisted' } = room
  await page.goto('/')
  await page.getByTestId('new-room-name').fill(name)
  await page.getByTestId('new-room-id').fill(roomId)
  if (title) await page.getByTestId('new-room-title').fill(title)
  await page.getByTestId(`visibility-${visibility}`).check()
  if (password) await page.getByTestId('new-room-password').fill(password)
  await page.getByTestId('create-room-button').click()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
}

/** Joins a room that exists from the start page's "Join a room", as a first-time visitor would. */
export async function joinFromHome(page: Page, name: string, roomId: string, password?: string): Promise<void> {
  await page.goto('/')
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('room-input').fill(roomId)
  if (password) await page.getByTestId('password-input').fill(password)
  await page.getByTestId('join-button').click()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
}

/** Opens a shared link and answers only what the page asks. */
export async function joinFromLink(page: Page, name: string, roomId: string, password?: string): Promise<void> {
  await page.goto(`/room/${roomId}`)
  await page.getByTestId('name-input').fill(name)
  if (password) await page.getByTestId('password-input').fill(password)
  await page.getByTestId('join-button').click()
}

/** Ada, in a browser of her own, alone in the new room she made from the start page. */
export async function adaInANewRoom(browser: Browser, room: NewRoom = {}): Promise<{ ada: Page, roomId: string }> {
  const roomId = freshRoomId()
  const ada = await newPerson(browser)
  await createFromHome(ada, 'Ada', roomId, room)
  return { ada, roomId }
}

/**
 * Ada creates a new room from the start page and Bob joins it by its link;
 * returns the room's id once Bob's page is connected.
 */
export async function meetInNewRoom(ada: Page, bob: Page, room: NewRoom = {}): Promise<string> {
  const roomId = freshRoomId()
  await createFromHome(ada, 'Ada', roomId, room)
  await joinFromLink(bob, 'Bob', roomId, room.password)
  await expect(bob.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  return roomId
}

/** Ada and Bob, each in a browser of their own, both members of Ada's new room (see `meetInNewRoom`). */
export async function twoMembersInARoom(browser: Browser, room: NewRoom = {}): Promise<{ ada: Page, bob: Page, roomId: string }> {
  const ada = await newPerson(browser)
  const bob = await newPerson(browser)
  const roomId = await meetInNewRoom(ada, bob, room)
  return { ada, bob, roomId }
}

/** The same person's room in another tab of their browser: the membership carries over, so the tab joins by itself. */
export async function openInAnotherTab(page: Page, roomId: string): Promise<Page> {
  const tab = await page.context().newPage()
  await tab.goto(`/room/${roomId}`)
  await expect(tab.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected')
  return tab
}

export function onlineCount(page: Page) {
  return page.getByTestId('online-count')
}

/** The messages on `page` that show `text` anywhere, a reply's quote included. */
export function messageWithText(page: Page, text: string) {
  return page.getByTestId('message-item').filter({ hasText: text })
}

export async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('message-input').fill(text)
  await page.getByTestId('message-input').press('Enter')
}
