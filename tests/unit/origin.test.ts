import { describe, expect, it } from 'vitest'
import { isOriginAllowed } from '../../server/rooms/origin'

const request = 'http://localhost:3000/ws'

describe('isOriginAllowed', () => {
  it('allows the app\'s own origin and listed ones', () => {
    expect(isOriginAllowed('http://localhost:3000', request, [])).toBe(true)
    expect(isOriginAllowed('https://chat.example', request, ['https://chat.example'])).toBe(true)
  })

  it.each([
    'http://localhost.evil.com',
    'http://localhost:3000.evil.com',
    'http://127.0.0.1.evil.example',
    'https://localhost:3000',
    'http://localhost:3001',
    'null',
  ])('refuses %s', (origin) => {
    expect(isOriginAllowed(origin, request, ['https://chat.example'])).toBe(false)
  })

  it('lets a client without Origin in unless that is forbidden', () => {
    expect(isOriginAllowed(null, request, [])).toBe(true)
    expect(isOriginAllowed(null, request, [], true)).toBe(false)
  })
})
