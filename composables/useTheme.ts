import type { WritableComputedRef } from 'vue'
import { computed } from 'vue'
import { useCookie } from '#app'

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

/** The cookie that remembers the theme; the server reads it, so the first response already has it. */
export const THEME_COOKIE = 'heartbeat_theme'

/**
 * The chosen theme, remembered in a cookie for a year. A cookie and not
 * localStorage: the server renders `<html data-theme>` from it, so the page
 * is drawn in the right colours before any script runs (no flash). 'system'
 * follows the operating system through `prefers-color-scheme` in the CSS.
 */
export function useTheme(): WritableComputedRef<Theme> {
  const cookie = useCookie<string>(THEME_COOKIE, { default: () => 'system', maxAge: 365 * 24 * 60 * 60, sameSite: 'lax', path: '/' })
  return computed({
    get: () => (THEMES as readonly string[]).includes(cookie.value) ? cookie.value as Theme : 'system',
    set: (theme) => { cookie.value = theme },
  })
}
