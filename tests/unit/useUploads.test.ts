// @vitest-environment happy-dom
import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useUploads } from '../../composables/useUploads'
import type { FileInfo } from '../../shared/protocol'
import { FakeXhr } from './fake-xhr'

const photo: FileInfo = { id: 'f1', name: 'cat.png', type: 'image/png', size: 1000, url: '/files/abc/cat.png', width: 40, height: 30 }

function setup(token: string | undefined) {
  const scope = effectScope()
  const uploads = scope.run(() => useUploads({ roomId: 'kitchen', token: () => token, XMLHttpRequest: FakeXhr as unknown as typeof XMLHttpRequest }))!
  return { uploads, scope }
}

beforeEach(() => FakeXhr.reset())
afterEach(() => vi.restoreAllMocks())

describe('useUploads', () => {
  it('posts the file to the room with the member token, shows its progress and hands over the FileInfo', async () => {
    const { uploads } = setup('member-token')
    const { done } = uploads.add(new File([new Uint8Array(1000)], 'cat.png', { type: 'image/png' }))
    const request = FakeXhr.last()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/rooms/kitchen/files')
    expect(request.headers.Authorization).toBe('Bearer member-token')
    expect(request.fieldNames()).toEqual(['file'])
    expect(uploads.busy.value).toBe(true)

    request.progress(400, 1000)
    expect(uploads.uploads.value[0]).toMatchObject({ name: 'cat.png', loaded: 400, size: 1000, state: 'uploading' })

    request.respond(201, { file: photo })
    expect(await done).toEqual(photo)
    expect(uploads.uploads.value[0]).toMatchObject({ state: 'done', file: photo })
    expect(uploads.files.value).toEqual([photo])
    expect(uploads.busy.value).toBe(false)
  })

  it('an added image gets a preview of its own bytes at once, let go when the row goes or the composer closes', () => {
    const created: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
      created.push(`blob:preview-${created.length + 1}`)
      return created.at(-1)!
    })
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const { uploads, scope } = setup('member-token')
    const pasted = uploads.add(new File([new Uint8Array(10)], 'image.png', { type: 'image/png' }))
    expect(uploads.uploads.value[0]?.preview).toBe('blob:preview-1')
    uploads.add(new File([new Uint8Array(10)], 'notes.txt', { type: 'text/plain' }))
    expect(uploads.uploads.value[1]?.preview).toBeUndefined()
    uploads.cancel(pasted.key)
    expect(revoke).toHaveBeenCalledWith('blob:preview-1')

    uploads.add(new File([new Uint8Array(10)], 'second.png', { type: 'image/png' }))
    FakeXhr.last().respond(201, { file: photo })
    uploads.clearDone()
    expect(revoke).toHaveBeenCalledWith('blob:preview-2')

    uploads.add(new File([new Uint8Array(10)], 'third.png', { type: 'image/png' }))
    scope.stop()
    expect(revoke).toHaveBeenCalledWith('blob:preview-3')
    expect(created).toHaveLength(3)
  })

  it('sends a voice clip\'s measured duration as a field before the file', () => {
    const { uploads } = setup('member-token')
    uploads.add(new Blob(['x'], { type: 'audio/webm' }), { name: 'voice.webm', durationMs: 3210.4 })
    const request = FakeXhr.last()
    expect(request.fieldNames()).toEqual(['durationMs', 'file'])
    expect(request.body?.get('durationMs')).toBe('3210')
    expect((request.body?.get('file') as File).name).toBe('voice.webm')
  })

  it.each([
    [401, 'unauthorized'],
    [413, 'tooLarge'],
    [415, 'typeNotAllowed'],
    [429, 'rateLimited'],
    [503, 'unavailable'],
    [500, 'failed'],
  ] as const)('a %i answer fails the row with %s and resolves nothing', async (status, failure) => {
    const { uploads } = setup('member-token')
    const { done } = uploads.add(new File(['x'], 'a.bin'))
    FakeXhr.last().respond(status, { code: 'X', message: 'no' })
    expect(await done).toBeUndefined()
    expect(uploads.uploads.value[0]).toMatchObject({ state: 'failed', failure })
    expect(uploads.files.value).toEqual([])
  })

  it('a 429 for the room\'s byte quota says the room is full, not to wait', async () => {
    const { uploads } = setup('member-token')
    uploads.add(new File(['x'], 'a.bin'))
    FakeXhr.last().respond(429, { code: 'QUOTA_EXCEEDED', message: 'room full' })
    expect(uploads.uploads.value[0]?.failure).toBe('roomFull')
  })

  it('a network error fails the row', async () => {
    const { uploads } = setup('member-token')
    const { done } = uploads.add(new File(['x'], 'a.bin'))
    FakeXhr.last().failNetwork()
    expect(await done).toBeUndefined()
    expect(uploads.uploads.value[0]?.failure).toBe('failed')
  })

  it('cancel aborts the request and removes the row', async () => {
    const { uploads } = setup('member-token')
    const { key, done } = uploads.add(new File(['x'], 'big.zip'))
    const request = FakeXhr.last()
    uploads.cancel(key)
    expect(request.aborted).toBe(true)
    expect(await done).toBeUndefined()
    expect(uploads.uploads.value).toEqual([])
    expect(uploads.busy.value).toBe(false)
  })

  it('settled() waits for every running upload', async () => {
    const { uploads } = setup('member-token')
    uploads.add(new File(['x'], 'a.png'))
    const first = FakeXhr.last()
    uploads.add(new File(['y'], 'b.png'))
    const second = FakeXhr.last()
    let settled = false
    void uploads.settled().then(() => { settled = true })
    first.respond(201, { file: { ...photo, id: 'a' } })
    await Promise.resolve()
    expect(settled).toBe(false)
    second.respond(201, { file: { ...photo, id: 'b' } })
    await Promise.resolve()
    expect(settled).toBe(true)
    expect(uploads.files.value.map(file => file.id)).toEqual(['a', 'b'])
  })

  it('takes at most 10 files for one message; the 11th row says so without a request', () => {
    const { uploads } = setup('member-token')
    for (let index = 0; index < 11; index++) uploads.add(new File(['x'], `f${index}.png`))
    expect(FakeXhr.instances).toHaveLength(10)
    expect(uploads.uploads.value[10]).toMatchObject({ state: 'failed', failure: 'tooMany' })
  })

  it('clearDone forgets sent files but keeps failed rows; the scope ending aborts what runs', () => {
    const { uploads, scope } = setup('member-token')
    uploads.add(new File(['x'], 'ok.png'))
    FakeXhr.last().respond(201, { file: photo })
    uploads.add(new File(['x'], 'bad.exe'))
    FakeXhr.last().respond(415, { code: 'UNSUPPORTED_TYPE', message: 'no' })
    uploads.add(new File(['x'], 'running.png'))
    const running = FakeXhr.last()
    uploads.clearDone()
    expect(uploads.uploads.value.map(upload => upload.name)).toEqual(['bad.exe', 'running.png'])
    scope.stop()
    expect(running.aborted).toBe(true)
  })

  it('without a token the request goes without the header (the server answers 401)', () => {
    const { uploads } = setup(undefined)
    uploads.add(new File(['x'], 'a.png'))
    expect(FakeXhr.last().headers.Authorization).toBeUndefined()
  })
})
