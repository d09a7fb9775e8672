import { describe, expect, it } from 'vitest'
import { loggedPath } from '../../server/logged-path'

describe('the path the access log writes', () => {
  it('keeps the route and drops ids, file paths and the query', () => {
    expect(loggedPath('/room/unlisted-secret-id?x=1')).toBe('/room/:id')
    expect(loggedPath('/api/rooms/unlisted-secret-id/files')).toBe('/api/rooms/:id/files')
    expect(loggedPath('/api/rooms/unlisted-secret-id')).toBe('/api/rooms/:id')
    expect(loggedPath('/files/room-key/file-id/holiday.png')).toBe('/files/:path')
    expect(loggedPath('/api/health?token=abc')).toBe('/api/health')
    expect(loggedPath('/metrics')).toBe('/metrics')
    expect(loggedPath('/')).toBe('/')
  })

  it('writes a path the app does not serve as /:unknown, so attacker text never reaches the log', () => {
    expect(loggedPath('/%0A[Vue%20Router%20warn]')).toBe('/:unknown')
    expect(loggedPath('/room/x/extra')).toBe('/:unknown')
    expect(loggedPath('/api/rooms/x/something-else')).toBe('/:unknown')
  })
})
