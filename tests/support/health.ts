import { get } from 'node:http'
import { METRICS_HEADERS } from './server'

export interface HealthDetails {
  status: string
  rooms: number | null
  connections: number
  members: number
  roomsWithSockets: number
  clientAddresses: number
  backloggedSockets: number
  process: { rssBytes: number, activeTimers: number }
}

/** /api/health with the metrics token, on a connection of its own (no keep-alive to count as a leftover socket). */
export function healthDetails(baseUrl: string): Promise<HealthDetails> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}/api/health`, { agent: false, headers: { connection: 'close', ...METRICS_HEADERS } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve(JSON.parse(body) as HealthDetails))
    }).on('error', reject)
  })
}
