/**
 * A string the page translates only when it shows it: a vue-i18n key and its
 * parameters. Plain logic (composables, utils) hands these out instead of
 * sentences, so that switching the language redraws what is already on screen.
 */
export interface LocalText { key: string, params?: Record<string, string | number> }

/** vue-i18n's `t` as plain code needs it (named parameters, or a count for plural messages). */
export type Translate = (key: string, params?: Record<string, unknown> | number) => string
