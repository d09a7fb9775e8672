import AxeBuilder from '@axe-core/playwright'
import { expect } from '@playwright/test'
import type { Page } from '@playwright/test'
import WebSocket from 'ws'

/** Serious and critical findings of axe's default rules on the page (or only within `include`), in a readable form. */
export async function seriousViolations(page: Page, include?: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page })
  for (const selector of include ?? []) builder.include(selector)
  const { violations } = await builder.analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap(violation => violation.nodes.map(node => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary}`))
}

/** The message whose own text (not a reply's quote of another) says `text`. */
export function messageSaying(page: Page, text: string) {
  return page.getByTestId('message-item').filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
}

/**
 * Posts `texts` in order through raw sockets, each a member of its own, at
 * most `perSocket` each so that every socket stays within its frame burst.
 * One socket's frames are handled in order, so the messages take consecutive seqs.
 */
export async function postAsOthers(baseURL: string, roomId: string, texts: readonly string[], perSocket = 15): Promise<void> {
  for (let start = 0; start < texts.length; start += perSocket) {
    const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/ws`, { origin: baseURL })
    await new Promise(resolve => ws.once('open', resolve))
    const frames: Array<{ type: string }> = []
    ws.on('message', data => frames.push(JSON.parse(data.toString()) as { type: string }))
    ws.send(JSON.stringify({ type: 'join', roomId, name: `Poster${start}` }))
    await expect.poll(() => frames.some(frame => frame.type === 'joined')).toBe(true)
    const mine = texts.slice(start, start + perSocket)
    for (const text of mine) ws.send(JSON.stringify({ type: 'chat', text }))
    await expect.poll(() => frames.filter(frame => frame.type === 'chat').length).toBe(mine.length)
    ws.send(JSON.stringify({ type: 'leave' }))
    ws.close()
  }
}
