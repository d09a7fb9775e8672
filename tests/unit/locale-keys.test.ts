import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { localeFiles, locales } from '../../i18n/locales'
import { createTestI18n } from '../support/i18n'

const root = fileURLToPath(new URL('../../', import.meta.url))

function readLocaleFile(code: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'i18n/locales', code, file), 'utf8'))
}

/** Every leaf key of a messages object, dotted ("status.connected"). */
function leafKeys(messages: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (value !== null && typeof value === 'object'
    ? leafKeys(value as Record<string, unknown>, `${prefix}${key}.`)
    : [`${prefix}${key}`]))
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name)
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path)
    return /\.(vue|ts)$/.test(name) ? [path] : []
  })
}

// `t('a.b')`, `t("a.b", …)`, `$t('a.b')`: keys written out in full. Keys built at
// run time (`errors.${code}`) are covered by the tests of the code that builds them.
const KEY_IN_CALL = /\$?\bt\(\s*['"]([\w.-]+)['"]/g

describe('locale files', () => {
  it.each(localeFiles)('every locale has exactly the same keys in %s', (file) => {
    const [first, ...others] = locales.map(({ code }) => ({ code, keys: leafKeys(readLocaleFile(code, file)).sort() }))
    for (const other of others) {
      expect(other.keys, `${other.code}/${file} against ${first!.code}/${file}`).toEqual(first!.keys)
    }
  })

  it('no string is empty, in any locale', () => {
    for (const { code } of locales) {
      for (const file of localeFiles) {
        const messages = readLocaleFile(code, file)
        const empty = leafKeys(messages).filter(key => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages) === '')
        expect(empty, `${code}/${file}`).toEqual([])
      }
    }
  })

  it('no two files of a locale claim the same top-level key (Nuxt merges them into one object)', () => {
    for (const { code } of locales) {
      const owners = new Map<string, string>()
      for (const file of localeFiles) {
        for (const key of Object.keys(readLocaleFile(code, file))) {
          expect(owners.get(key), `${code}: "${key}" in ${file} and ${owners.get(key)}`).toBeUndefined()
          owners.set(key, file)
        }
      }
    }
  })

  it('every key the components, pages and composables name exists in English', () => {
    const english = createTestI18n('en')
    const files = ['app.vue', ...['components', 'pages', 'composables', 'layouts'].flatMap((folder) => {
      try {
        return sourceFiles(folder)
      }
      catch {
        return []
      }
    })]
    const used = files.flatMap(file => [...readFileSync(join(root, file), 'utf8').matchAll(KEY_IN_CALL)]
      .map(match => ({ file: relative(root, join(root, file)), key: match[1]! })))
    expect(used.length).toBeGreaterThan(20)
    const missing = used.filter(({ key }) => !english.global.te(key, 'en'))
    expect(missing).toEqual([])
  })
})
