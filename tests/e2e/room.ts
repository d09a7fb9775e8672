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

/** Joins from the start page as a first-time visitor would. */
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
