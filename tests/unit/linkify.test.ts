import { describe, expect, it } from 'vitest'
import { attachmentKind, fileBadge, formatDuration, formatFileSize } from '../../utils/file-display'
import { linkSegments } from '../../utils/linkify'

describe('linkSegments', () => {
  it('cuts text into plain pieces and links, keeping every character', () => {
    const text = 'health at http://127.0.0.1:3000/api/health, mail ann@example.org.'
    const segments = linkSegments(text)
    expect(segments).toEqual([
      { kind: 'text', text: 'health at ' },
      { kind: 'link', text: 'http://127.0.0.1:3000/api/health', href: 'http://127.0.0.1:3000/api/health' },
      { kind: 'text', text: ', mail ' },
      { kind: 'link', text: 'ann@example.org', href: 'mailto:ann@example.org' },
      { kind: 'text', text: '.' },
    ])
    expect(segments.map(segment => segment.text).join('')).toBe(text)
  })

  it('links nothing that could run script or leave the web: javascript:, data:, ftp:, protocol-relative', () => {
    const text = 'javascript:alert(1) data:text/html,<b>x</b> ftp://files.example.org //evil.example.org'
    expect(linkSegments(text)).toEqual([{ kind: 'text', text }])
  })

  it('links www. addresses written without a scheme, opening them over https', () => {
    expect(linkSegments('see www.example.com/path?q=1 today')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'www.example.com/path?q=1', href: 'https://www.example.com/path?q=1' },
      { kind: 'text', text: ' today' },
    ])
    expect(linkSegments('WWW.Example.org.')).toEqual([
      { kind: 'link', text: 'WWW.Example.org', href: 'https://WWW.Example.org' },
      { kind: 'text', text: '.' },
    ])
  })

  it('leaves other bare names alone: a file name is not a link', () => {
    expect(linkSegments('open readme.md or example.com')).toEqual([{ kind: 'text', text: 'open readme.md or example.com' }])
  })

  it('shows bidi controls inside a link escaped, in its text and its address, so it cannot read as another address', () => {
    const text = 'pay at https://bank.example/\u202Emoc.live.example/ now'
    const segments = linkSegments(text)
    expect(segments).toEqual([
      { kind: 'text', text: 'pay at ' },
      { kind: 'link', text: 'https://bank.example/%E2%80%AEmoc.live.example/', href: 'https://bank.example/%E2%80%AEmoc.live.example/' },
      { kind: 'text', text: ' now' },
    ])
    for (const control of ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069']) {
      const link = linkSegments(`https://a.example/x${control}y`).find(segment => segment.kind === 'link')
      expect(link?.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
      expect(link?.href).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
    }
  })

  it('leaves mentions and plain text alone, and an empty text has no pieces', () => {
    expect(linkSegments('@ann see you')).toEqual([{ kind: 'text', text: '@ann see you' }])
    expect(linkSegments('')).toEqual([])
  })
})

describe('file display', () => {
  it('sizes in the page\'s locale', () => {
    expect(formatFileSize(512, 'en')).toBe('512 bytes')
    expect(formatFileSize(12_345, 'en')).toBe('12 kB')
    expect(formatFileSize(3_456_789, 'en')).toBe('3.5 MB')
    expect(formatFileSize(3_456_789, 'zh-CN')).toBe('3.5 MB')
  })

  it('durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(4_600)).toBe('0:05')
    expect(formatDuration(125_000)).toBe('2:05')
  })

  it('images by their sniffed type, a webm with a duration as a voice clip, the rest as files', () => {
    const base = { id: 'f', name: 'x', size: 1, url: '/f' }
    expect(attachmentKind({ ...base, type: 'image/png' })).toBe('image')
    expect(attachmentKind({ ...base, type: 'image/svg+xml' })).toBe('file')
    expect(attachmentKind({ ...base, type: 'video/webm', durationMs: 3000 })).toBe('audio')
    expect(attachmentKind({ ...base, type: 'audio/mp4' })).toBe('audio')
    expect(attachmentKind({ ...base, type: 'application/pdf' })).toBe('file')
    expect(fileBadge({ name: 'report.final.pdf', type: 'application/pdf' })).toBe('PDF')
    expect(fileBadge({ name: 'notes', type: 'text/plain' })).toBe('PLAI')
  })
})
