// One file per feature and locale, so that work on one feature does not touch
// the strings of another. Nuxt (nuxt.config.ts) and the component tests
// (tests/support/i18n.ts) both load the locales from this list.
export const localeFiles = ['app.json', 'room.json', 'media.json', 'lobby.json', 'e2ee.json', 'admin.json'] as const

export const locales = [
  { code: 'en', language: 'en', name: 'English' },
  { code: 'zh-CN', language: 'zh-CN', name: '简体中文' },
] as const

export type LocaleCode = (typeof locales)[number]['code']
