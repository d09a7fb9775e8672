/**
 * The WAI-ARIA toolbar pattern: a toolbar is one Tab stop, and the arrow keys,
 * Home and End move between its buttons. A room shows a toolbar on every
 * message; with every button a Tab stop, a keyboard user crossed ten stops a
 * message to get past one. Bind to the toolbar's keydown; the buttons after
 * the first start with tabindex -1.
 */
export function moveInToolbar(event: KeyboardEvent): void {
  const toolbar = event.currentTarget as HTMLElement
  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')]
  const from = buttons.indexOf(document.activeElement as HTMLButtonElement)
  if (from === -1) return
  const to = { ArrowRight: from + 1, ArrowDown: from + 1, ArrowLeft: from - 1, ArrowUp: from - 1, Home: 0, End: buttons.length - 1 }[event.key]
  if (to === undefined) return
  event.preventDefault()
  const target = buttons[(to + buttons.length) % buttons.length]!
  // The button last used stays the toolbar's Tab stop, as the pattern asks.
  for (const button of buttons) button.tabIndex = button === target ? 0 : -1
  target.focus()
}
