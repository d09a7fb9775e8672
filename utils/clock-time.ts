/**
 * The page's language as `<html lang>` says it (it follows the locale
 * switcher), for code that formats a time without being handed a locale;
 * undefined on the server and in a document without one (Intl's default).
 */
export function pageLocale(): string | undefined {
  return typeof document === 'undefined' ? undefined : document.documentElement.lang || undefined
}

// Building an Intl formatter costs far more than using one, and every message
// draws its time: one formatter per locale and style, made once.
const formatters = new Map<string, Intl.DateTimeFormat>()

/** A cached `Intl.DateTimeFormat(locale, options)`; `style` names the options. */
export function dateTimeFormat(locale: string | undefined, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''} ${style}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formatters.set(key, format)
  }
  return format
}

/** Hours and minutes in the reader's time zone, written the way `locale` writes them ("9:07 AM", "09:07"). */
export function formatClockTime(at: number, locale: string | undefined = pageLocale()): string {
  return dateTimeFormat(locale, 'clock', { timeStyle: 'short' }).format(at)
}
