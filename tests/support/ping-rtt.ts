import type { TestClient } from './ws-client'

/** Round trips of `{type:"ping"}` to pong on a joined client, one after another. */
export async function pingRoundTrips(client: TestClient, count: number, gapMs = 0): Promise<number[]> {
  const trips: number[] = []
  for (let i = 0; i < count; i++) {
    const sent = performance.now()
    client.send({ type: 'ping' })
    await client.next('pong', 5000)
    trips.push(performance.now() - sent)
    if (gapMs > 0) await new Promise(resolve => setTimeout(resolve, gapMs))
  }
  return trips
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!
}
