import { rmSync } from 'node:fs'

/** Removes the run's rooms database (playwright.config.ts made the folder). */
export default function removeDataDir(): void {
  if (process.env.E2E_DATA_DIR) rmSync(process.env.E2E_DATA_DIR, { recursive: true, force: true })
}
