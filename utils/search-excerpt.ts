/** A piece of a search result's text: `match` where it holds the query. */
export interface ExcerptPiece { text: string, match: boolean }

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The part of `text` around its first match of `query` (any case, as the
 * server matches), at most `maxLength` characters, cut into plain pieces and
 * matches for the result list to mark.
 */
export function searchExcerpt(text: string, query: string, maxLength = 140): ExcerptPiece[] {
  const q = query.trim()
  if (!q) return [{ text: text.slice(0, maxLength), match: false }]
  const pattern = new RegExp(escapeRegExp(q), 'giu')
  const first = text.search(pattern)
  const start = first > 40 ? first - 30 : 0
  const end = Math.min(text.length, start + maxLength)
  const shown = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`
  const pieces: ExcerptPiece[] = []
  let last = 0
  for (const found of shown.matchAll(pattern)) {
    if (found.index > last) pieces.push({ text: shown.slice(last, found.index), match: false })
    pieces.push({ text: found[0], match: true })
    last = found.index + found[0].length
  }
  if (last < shown.length) pieces.push({ text: shown.slice(last), match: false })
  return pieces
}
