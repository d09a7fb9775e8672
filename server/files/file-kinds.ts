import type { ImageType } from './images'

/** How a file is shown and served, decided from its bytes (file-type's answer) and, for voice clips, whether the recorder sent a duration. */
export type FileKind
  = | { kind: 'image', type: ImageType }
    | { kind: 'audio', type: string }
    | { kind: 'file', type: string }
    | { kind: 'refused', reason: string }

const IMAGES: Record<string, ImageType> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif' }
/** Containers that only hold sound. */
const AUDIO: Record<string, string> = { mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg', oga: 'audio/ogg', m4a: 'audio/mp4', wav: 'audio/wav' }
/**
 * Containers that may hold video too: MediaRecorder writes webm (Chromium,
 * Firefox) or mp4 (Safari). They are audio when the upload came from the
 * recorder (it carries a duration); otherwise a file to download.
 */
const VOICE_CONTAINERS: Record<string, string> = { webm: 'audio/webm', mp4: 'audio/mp4', ...AUDIO }

/** Programs that run when opened: a chat is a classic way to hand one to someone. */
const EXECUTABLE_CONTENT = new Set(['exe', 'elf', 'macho', 'msi', 'dex', 'class', 'deb', 'rpm', 'apk', 'lnk', 'cab'])
/** Names that Windows or macOS run on a double click whatever the bytes (scripts have no magic number). */
const EXECUTABLE_NAME = /\.(?:exe|com|scr|bat|cmd|msi|msp|pif|vbs|vbe|jse|wsf|wsh|ps1|psm1|hta|cpl|lnk|reg|jar|apk|app|dmg|deb|rpm|command)$/i

/**
 * `detected` is file-type's answer for the bytes (undefined for text and
 * anything it does not know, HTML and SVG included); the declared type and
 * the name's extension never make a file an image.
 */
export function classify(detected: { ext: string, mime: string } | undefined, name: string, isVoice: boolean): FileKind {
  if (EXECUTABLE_NAME.test(name) || (detected && EXECUTABLE_CONTENT.has(detected.ext))) {
    return { kind: 'refused', reason: 'programs and scripts are not accepted' }
  }
  if (!detected) return { kind: 'file', type: 'application/octet-stream' }
  const image = IMAGES[detected.ext]
  if (image) return { kind: 'image', type: image }
  const audio = (isVoice ? VOICE_CONTAINERS : AUDIO)[detected.ext]
  if (audio) return { kind: 'audio', type: audio }
  return { kind: 'file', type: detected.mime }
}
