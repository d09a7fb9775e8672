import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { NGINX_SITE_CONFIG } from '../support/nginx-site'

// tests/integration/nginx-deploy.test.ts and tests/e2e/nginx-deploy.spec.ts
// run deploy/nginx.conf for real; these keep the doc and the defaults in step with it.

const siteConfig = readFileSync(NGINX_SITE_CONFIG, 'utf8')

async function runtimeDefaults() {
  const stub = globalThis as { defineNuxtConfig?: (config: unknown) => unknown }
  stub.defineNuxtConfig = config => config
  const { default: config } = await import('../../nuxt.config') as unknown as { default: { runtimeConfig: { heartbeatWindowMs: number, public: { heartbeatIntervalMs: number } } } }
  return config.runtimeConfig
}

/** nginx time: `60s`, `2m`, `1500ms` or plain seconds. */
function nginxMs(value: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(value)
  if (!match) throw new Error(`unexpected nginx time "${value}"`)
  return Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000)
}

describe('the documented nginx configuration', () => {
  it('docs/deploy.md shows deploy/nginx.conf as it is, so what people copy is what the tests run', () => {
    const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8')
    const blocks = [...doc.matchAll(/```nginx\n([\s\S]*?)```/g)].map(match => match[1])
    expect(blocks).toContain(siteConfig)
  })

  it('nginx keeps a quiet socket open longer than a page waits for its pong, so it never cuts a link the page thinks alive', async () => {
    const defaults = await runtimeDefaults()
    const readTimeout = /proxy_read_timeout\s+(\S+);/.exec(siteConfig)?.[1]
    expect(readTimeout).toBeDefined()
    expect(nginxMs(readTimeout!)).toBeGreaterThan(defaults.public.heartbeatIntervalMs + defaults.heartbeatWindowMs)
  })
})
