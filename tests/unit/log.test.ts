import { afterEach, describe, expect, it, vi } from 'vitest'
import { log } from '../../server/log'

afterEach(() => vi.restoreAllMocks())

describe('the server log', () => {
  it('writes one [heartbeat] line per event, the line operators and docs/deploy.md grep for', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    log('redis_ready', 'redis ready')
    expect(out).toHaveBeenCalledExactlyOnceWith('[heartbeat] redis ready')
  })

  it('puts the fields after the message as JSON, for a program to read', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    log('shutdown_overdue', 'shutdown took over 4000 ms: exiting now', { deadlineMs: 4000 })
    expect(out).toHaveBeenCalledWith('[heartbeat] shutdown took over 4000 ms: exiting now {"deadlineMs":4000}')
  })

  it('an error goes to stderr', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {})
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    log('cannot_start', 'cannot start: rooms.db is damaged', {}, 'error')
    expect(err).toHaveBeenCalledExactlyOnceWith('[heartbeat] cannot start: rooms.db is damaged')
    expect(out).not.toHaveBeenCalled()
  })
})
