import { config } from '@vue/test-utils'
import { afterEach } from 'vitest'
import { testI18n } from './i18n'

// Components take their strings from vue-i18n, as in the app: English unless a
// test switches with useTestLocale(), and back to English after every test.
config.global.plugins = [testI18n]
afterEach(() => {
  testI18n.global.locale.value = 'en'
})
