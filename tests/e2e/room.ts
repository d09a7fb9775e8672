import { expect } from '@playwright/test'
import type { Browser, Page } from '@playwright/test'

export function freshRoomId(): string {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
}

/** A new person: their own browser context, so nothing is shared but the server. */
export async function newPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext()
  return context.newPage()
}

/**
 * Creates a room from the start page's New room form, as a first-time visitor
 * would: unlisted, as rooms made by a join were before joins stopped creating.
 */
export async function createFromHome(page: Page, name: string, roomId: string, password?: string): Promise<void> {
  await page.goto('/')
  await page.getByTestId('new-room-name').fill(name)
  await page.getByTestId('new-room-id').fill(roomId)
  await page.getByTestId('visibility-unlisted').check()
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

export function onlineCount(page: Page) {
  return page.getByTestId('online-count')
}

export async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('message-input').fill(text)
  await page.getByTestId('message-input').press('Enter')
}
