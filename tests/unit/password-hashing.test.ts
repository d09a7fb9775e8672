import { describe, expect, it } from 'vitest'
import { PasswordHashing } from '../../server/rooms/password-hashing'

/** A unit of work the test finishes by hand, standing in for one scrypt run. */
function controlled() {
  let finish!: () => void
  let started = false
  const work = () => {
    started = true
    return new Promise<string>(resolve => finish = () => resolve('hashed'))
  }
  return { work, finish: () => finish(), get started() { return started } }
}

const flush = () => new Promise(resolve => setImmediate(resolve))

describe('PasswordHashing', () => {
  it('lets one address start at most its hashes a minute, says how long to wait, and leaves other addresses alone', async () => {
    const hashing = new PasswordHashing({ hashesPerMinute: 3, concurrency: 4, queueLimit: 10 })
    for (let i = 0; i < 3; i++) expect(await hashing.schedule('1.1.1.1', async () => 'ok', 0)).toBe('ok')
    expect(await hashing.schedule('1.1.1.1', async () => 'ok', 0)).toEqual({ code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: 20_000 })
    expect(await hashing.schedule('2.2.2.2', async () => 'ok', 0)).toBe('ok')
    expect(await hashing.schedule('1.1.1.1', async () => 'ok', 19_999)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1 })
    expect(await hashing.schedule('1.1.1.1', async () => 'ok', 20_000)).toBe('ok')
  })

  it('runs at most `concurrency` at once, queues a bounded number behind them in order, and refuses the rest', async () => {
    const hashing = new PasswordHashing({ hashesPerMinute: 100, concurrency: 1, queueLimit: 2 })
    const runs = [controlled(), controlled(), controlled()]
    const results = runs.map((run, i) => hashing.schedule(`10.0.0.${i}`, run.work))
    await flush()
    expect(runs.map(run => run.started)).toEqual([true, false, false])
    expect({ inFlight: hashing.inFlight, queued: hashing.queued }).toEqual({ inFlight: 1, queued: 2 })
    // A fourth, from yet another address, finds the queue full: refused at once, nothing started.
    expect(await hashing.schedule('10.0.0.9', async () => 'never')).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('busy'), retryAfterMs: expect.any(Number) })
    runs[0]!.finish()
    expect(await results[0]).toBe('hashed')
    await flush()
    expect(runs.map(run => run.started)).toEqual([true, true, false])
    expect(hashing.inFlight).toBe(1)
    runs[1]!.finish()
    await flush()
    expect(runs[2]!.started).toBe(true)
    runs[2]!.finish()
    expect(await Promise.all(results)).toEqual(['hashed', 'hashed', 'hashed'])
    expect({ inFlight: hashing.inFlight, queued: hashing.queued }).toEqual({ inFlight: 0, queued: 0 })
  })

  it('frees its place when a run fails', async () => {
    const hashing = new PasswordHashing({ hashesPerMinute: 100, concurrency: 1, queueLimit: 0 })
    await expect(hashing.schedule('a', async () => {
      throw new Error('scrypt failed')
    })).rejects.toThrow('scrypt failed')
    expect(await hashing.schedule('a', async () => 'ok')).toBe('ok')
  })

  it('hashes and verifies real passwords through the gate', async () => {
    const hashing = new PasswordHashing({ hashesPerMinute: 10, concurrency: 1, queueLimit: 4 })
    const stored = await hashing.hash('a', 's3cret')
    expect(typeof stored).toBe('string')
    expect(await hashing.verify('a', 's3cret', stored as string)).toBe(true)
    expect(await hashing.verify('a', 'wrong', stored as string)).toBe(false)
  })
})
