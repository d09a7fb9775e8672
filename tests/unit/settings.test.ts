import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** Nitro's own settings, beside the app's runtime config. */
const NITRO_SETTINGS = ['PORT', 'HOST']

/** A default as the config writes it: a quoted string, a boolean, or a product of numbers (`30 * 24 * 60 * 60 * 1000`). */
function defaultOf(expression: string): string {
  if (/^'.*'$/.test(expression)) return expression.slice(1, -1)
  if (expression === 'true' || expression === 'false') return expression
  if (!/^[\d_ *]+$/.test(expression)) throw new Error(`a default this test cannot read: ${expression}`)
  return String(expression.split('*').reduce((product, factor) => product * Number(factor.trim().replace(/_/g, '')), 1))
}

/** nuxt.config.ts's runtimeConfig as env names (Nuxt's mapping: NUXT_ + the key in SCREAMING_SNAKE_CASE) with their defaults. */
function runtimeConfigSettings(): Map<string, string> {
  const source = read('nuxt.config.ts')
  const open = source.indexOf('{', source.indexOf('runtimeConfig: {'))
  let depth = 0
  let close = open
  for (; close < source.length; close++) {
    if (source[close] === '{') depth++
    if (source[close] === '}' && --depth === 0) break
  }
  const settings = new Map<string, string>()
  let prefix = 'NUXT_'
  for (const line of source.slice(open + 1, close).split('\n')) {
    if (/^\s*public: \{/.test(line)) prefix = 'NUXT_PUBLIC_'
    const match = /^\s*(\w+): (.+?),?$/.exec(line)
    if (!match || match[1] === 'public') continue
    const [, key, expression] = match as unknown as [string, string, string]
    settings.set(prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase(), defaultOf(expression))
  }
  return settings
}

function envExampleSettings(): Map<string, string> {
  const settings = new Map<string, string>()
  for (const match of read('.env.example').matchAll(/^#?([A-Z][A-Z0-9_]*)=(.*)$/gm)) settings.set(match[1]!, match[2]!)
  return settings
}

/** Every variable named in the first column of the README's configuration table. */
function readmeSettings(): Set<string> {
  const section = read('README.md').split('## Configuration')[1]!.split('\n## ')[0]!
  const names = section.split('\n').filter(line => line.startsWith('| `')).flatMap(line => [...line.split(' | ')[0]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(match => match[1]!))
  return new Set(names)
}

describe('the settings, written down in three places', () => {
  it('.env.example lists every runtime config setting with its default, and nothing else', () => {
    const config = runtimeConfigSettings()
    expect(config.size).toBeGreaterThan(50)
    const example = envExampleSettings()
    for (const name of NITRO_SETTINGS) expect(example.has(name), name).toBe(true)
    expect(Object.fromEntries([...example].filter(([name]) => !NITRO_SETTINGS.includes(name)))).toEqual(Object.fromEntries(config))
  })

  it('every setting has one line of meaning above it in .env.example', () => {
    const lines = read('.env.example').split('\n')
    lines.forEach((line, index) => {
      if (/^#[A-Z]/.test(line) && !/^#HOST=/.test(line)) expect(lines[index - 1], line).toMatch(/^# \S/)
    })
  })

  it('the README\'s table names the same settings', () => {
    const expected = [...runtimeConfigSettings().keys(), ...NITRO_SETTINGS].sort()
    expect([...readmeSettings()].sort()).toEqual(expected)
  })
})
