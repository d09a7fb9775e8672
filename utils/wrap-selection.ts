/** A draft and its selection, as a textarea holds them. */
export interface DraftSelection { text: string, start: number, end: number }

/** The Markdown markers the composer's shortcuts write. */
export const FORMAT_MARKERS = { bold: '**', italic: '_' } as const

/**
 * Wraps the selection in `marker` (Ctrl/Cmd+B, Ctrl/Cmd+I), keeping the same
 * words selected; a selection already wrapped in it is unwrapped, so the key
 * toggles as in a word processor. With nothing selected the caret lands
 * between the two markers.
 */
export function wrapSelection({ text, start, end }: DraftSelection, marker: string): DraftSelection {
  const from = Math.min(start, end)
  const to = Math.max(start, end)
  const size = marker.length
  const wrapped = from >= size && text.slice(from - size, from) === marker && text.slice(to, to + size) === marker
  if (wrapped) {
    return { text: text.slice(0, from - size) + text.slice(from, to) + text.slice(to + size), start: from - size, end: to - size }
  }
  return { text: text.slice(0, from) + marker + text.slice(from, to) + marker + text.slice(to), start: from + size, end: to + size }
}

/** Which marker a key press asks for: Ctrl+B/I, or Cmd+B/I on a Mac. */
export function formatShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return undefined
  const key = event.key.toLowerCase()
  if (key === 'b') return FORMAT_MARKERS.bold
  if (key === 'i') return FORMAT_MARKERS.italic
  return undefined
}
