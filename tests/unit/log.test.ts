import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLog, logSettingsFromEnv } from '../../server/log'
import type { LogSettings } from '../../server/log'

function capture(): { stream: Writable, lines: () => Array<Record<string, unknown>>, text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text, lines: () => text.split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, unknown>) }
}

function logTo(settings: Partial<LogSettings> = {}) {
  const out = capture()
  const err = capture()
  const log = createLog({ format: 'json', level: 'info', ...settings }, out.stream, err.stream)
  return { log, out, err }
}

describe('the server log', () => {
  it('writes one JSON line per event with time, level, msg and the event name', () => {
    const { log, out } = logTo()
    log('redis_ready', 'redis ready')
    const [line, ...rest] = out.lines()
    expect(rest).toEqual([])
    expect(line).toMatchObject({ level: 'info', event: 'redis_ready', msg: 'redis ready' })
    expect(new Date(String(line!.time)).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it('puts the fields beside the message, for a program to filter on, and a field cannot rename the event', () => {
    const { log, out } = logTo()
    log('shutdown_overdue', 'shutdown took over 4000 ms: exiting now', { deadlineMs: 4000, event: 'other' })
    expect(out.lines()).toEqual([expect.objectContaining({ event: 'shutdown_overdue', deadlineMs: 4000 })])
  })

  it('warnings and errors go to stderr, once', () => {
    const { log, out, err } = logTo()
    log('cannot_start', 'cannot start: rooms.db is damaged', {}, 'error')
    log('slow_store_op', 'a store operation was slow', { op: 'appendMessage' }, 'warn')
    expect(err.lines().map(line => [line.level, line.event])).toEqual([['error', 'cannot_start'], ['warn', 'slow_store_op']])
    expect(out.text()).toBe('')
  })

  it('NUXT_LOG_LEVEL hides what is below it and shows debug lines when asked', () => {
    const quiet = logTo({ level: 'warn' })
    quiet.log('http_request', 'GET /api/health 200')
    expect(quiet.out.text()).toBe('')
    const verbose = logTo({ level: 'debug' })
    verbose.log('frame_refused', 'a frame was refused', { code: 'BAD_FRAME' }, 'debug')
    expect(verbose.out.lines()).toEqual([expect.objectContaining({ level: 'debug', code: 'BAD_FRAME' })])
  })

  it('pretty prints under nuxt dev and JSON in production unless NUXT_LOG_FORMAT says otherwise', () => {
    expect(logSettingsFromEnv({ NODE_ENV: 'production' })).toEqual({ format: 'json', level: 'info' })
    expect(logSettingsFromEnv({ NODE_ENV: 'development' }).format).toBe('pretty')
    expect(logSettingsFromEnv({ NODE_ENV: 'production', NUXT_LOG_FORMAT: 'pretty', NUXT_LOG_LEVEL: 'trace' })).toEqual({ format: 'pretty', level: 'trace' })
    expect(logSettingsFromEnv({ NODE_ENV: 'production', NUXT_LOG_LEVEL: 'loud' }).level).toBe('info')
  })

  it('the pretty format is one readable line with the event in it', () => {
    const { log, out } = logTo({ format: 'pretty' })
    log('redis_ready', 'redis ready')
    expect(out.text()).toMatch(/INFO.*redis ready/)
    expect(out.text()).toContain('redis_ready')
  })
})
