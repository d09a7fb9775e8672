/**
 * The page's language as `<html lang>` says it (it follows the locale
 * switcher), for code that formats a time without being handed a locale;
 * undefined on the server and in a document without one (Intl's default).
 */
export function pageLocale(): string | undefined {
  return typeof document === 'undefined' ? undefined : document.documentElement.lang || undefined
}

/** Hours and minutes in the reader's time zone, written the way `locale` writes them ("9:07 AM", "09:07"). */
export function formatClockTime(at: number, locale: string | undefined = pageLocale()): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at)
}
