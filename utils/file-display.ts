import type { FileInfo } from '../shared/protocol'

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const

/** "12 kB", "3.4 MB" in the page's locale (decimal units, as file managers show them). */
export function formatFileSize(bytes: number, locale: string): string {
  let value = Math.max(0, bytes)
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).format(value)
}

/** A clip's length as m:ss, the way players show it. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

// The types the server serves inline as images (docs/protocol.md, "Files").
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'])

/** How a message shows a file: an image inline, a voice clip as a player, anything else as a card. */
export function attachmentKind(file: FileInfo): 'image' | 'audio' | 'file' {
  if (IMAGE_TYPES.has(file.type)) return 'image'
  // Sniffing cannot tell an audio-only WebM from a video, so a clip with a measured duration counts as audio.
  if (file.type.startsWith('audio/') || (file.durationMs !== undefined && /^(?:video|audio)\/(?:webm|mp4|ogg)$/.test(file.type))) return 'audio'
  return 'file'
}

/** The short label a file card's icon carries: the name's extension, or the type's subtype. */
export function fileBadge(file: Pick<FileInfo, 'name' | 'type'>): string {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(file.name)?.[1]
  const subtype = file.type.split('/')[1]?.split(/[;+.-]/)[0]
  return (extension ?? subtype ?? '').slice(0, 4).toUpperCase()
}
