/** Hours and minutes in the reader's time zone, written the way `locale` writes them ("9:07 AM", "09:07"). */
export function formatClockTime(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at)
}
