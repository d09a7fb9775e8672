import { METRICS_HEADERS } from './server'

/** One scrape of /metrics, as `name{labels}` -> value (labels as Prometheus writes them, sorted by the client). */
export async function scrape(baseUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: METRICS_HEADERS })
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
  const series = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue
    const split = line.lastIndexOf(' ')
    series.set(line.slice(0, split), Number(line.slice(split + 1)))
  }
  return series
}

/** How much each named series moved between two scrapes (0 for one seen in neither). */
export function moved(before: Map<string, number>, after: Map<string, number>, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map(name => [name, (after.get(name) ?? 0) - (before.get(name) ?? 0)]))
}
