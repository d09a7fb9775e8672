import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'
import type { LaunchOptions } from '@playwright/test'

/**
 * Chromium with its fake microphone (a beep) and no permission prompt, for
 * voice clips. Launch options replace the config's, so its own are repeated here.
 */
export function launchWithFakeMicrophone(...extraArgs: string[]): LaunchOptions {
  return {
    executablePath: existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      ...extraArgs,
    ],
  }
}
