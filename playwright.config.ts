import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, defineConfig } from '@playwright/test'

// Workers re-read this file, so the port is chosen once and handed down in the env.
process.env.E2E_PORT ??= execFileSync(process.execPath, ['-e',
  'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})',
]).toString().trim()
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`
// The run's own rooms database, removed by the global teardown: runs never share one.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'hb-e2e-data-'))
// Unlocks /metrics and the admin page (tests/e2e/admin.spec.ts).
process.env.E2E_METRICS_TOKEN ??= 'e2e-metrics-token'

// Playwright's own Chromium where it is installed (a laptop), Debian's
// chromium package elsewhere: Playwright cannot download a browser here.
const ownChromium = chromium.executablePath()
const executablePath = existsSync(ownChromium) ? undefined : '/usr/bin/chromium'

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  reporter: 'list',
  globalTeardown: './tests/e2e/global-teardown.ts',
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: 'node .output/server/index.mjs',
    url: `${baseURL}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: {
      PORT: process.env.E2E_PORT,
      HOST: '127.0.0.1',
      NUXT_DATA_DIR: process.env.E2E_DATA_DIR,
      NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: '1000',
      NUXT_HEARTBEAT_WINDOW_MS: '2500',
      NUXT_SWEEP_INTERVAL_MS: '100',
      NUXT_PUBLIC_RECONNECT_MAX_RETRIES: '5',
      // Every browser here comes from 127.0.0.1.
      NUXT_MEMBERS_PER_ADDRESS: '100000',
      NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: '100000',
      NUXT_PASSWORD_HASHES_PER_MINUTE: '100000',
      NUXT_METRICS_TOKEN: process.env.E2E_METRICS_TOKEN,
    },
  },
})
