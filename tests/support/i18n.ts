import { createI18n } from 'vue-i18n'
import { localeFiles, locales, type LocaleCode } from '~/i18n/locales'

const files = import.meta.glob<Record<string, unknown>>('../../i18n/locales/*/*.json', { eager: true, import: 'default' })

/** The messages of one locale, merged from its per-feature files as Nuxt merges them. */
export function localeMessages(code: LocaleCode): Record<string, unknown> {
  return Object.assign({}, ...localeFiles.map(file => files[`../../i18n/locales/${code}/${file}`] ?? {}))
}

/** The same vue-i18n setup as the app (Composition API, no legacy mode), for mounting components in tests. */
export function createTestI18n(locale: LocaleCode = 'en') {
  return createI18n<false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    // JSON files are untyped; the key check is that every key resolves in a test.
    messages: Object.fromEntries(locales.map(({ code }) => [code, localeMessages(code)])) as never,
    missingWarn: false,
    fallbackWarn: false,
  })
}

/** The instance every mounted component gets (tests/support/vitest-setup.ts). */
export const testI18n = createTestI18n()

/** Mount in this locale for the rest of the test; the setup file goes back to English afterwards. */
export function useTestLocale(locale: LocaleCode) {
  testI18n.global.locale.value = locale
}
