/**
 * Copies text without the clipboard API, which exists only in secure contexts
 * (not on a plain-http LAN address): through a selected, off-screen textarea
 * and the older copy command. False when the browser refused.
 */
export function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.top = '-1000px'
  document.body.append(area)
  area.select()
  try {
    return document.execCommand('copy')
  }
  catch {
    return false
  }
  finally {
    area.remove()
  }
}

/** A phone: the system share sheet beats the clipboard there. */
export function prefersShareSheet(): boolean {
  return typeof navigator.share === 'function' && window.matchMedia?.('(pointer: coarse)').matches === true
}
