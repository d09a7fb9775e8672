import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server'
import type { RunningServer } from '../support/server'

let server: RunningServer

// Started as `node .output/server/index.mjs` would be by hand, with the
// environment claiming development: the build must not care.
beforeAll(async () => {
  server = await startServer({ NODE_ENV: 'development' })
})
afterAll(() => server.stop())

describe('the built server is a production server whatever NODE_ENV says', () => {
  it('an unknown path gets a 404 and never reaches the log, word for word or otherwise', async () => {
    const marker = 'unmatched-path-marker'
    for (const path of [`/${marker}`, `/${marker}%0A[Vue%20Router%20warn]`, `/room/x/${marker}`]) {
      const response = await fetch(`${server.url}${path}`)
      expect(response.status).toBe(404)
      await response.arrayBuffer()
    }
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(server.output()).not.toContain(marker)
    expect(server.output()).not.toContain('Vue Router warn')
  })

  it('a plain GET of /ws is a short 426, not a rendered error page', async () => {
    const response = await fetch(`${server.url}/ws`)
    expect(response.status).toBe(426)
    expect((await response.text()).length).toBeLessThan(300)
  })
})
