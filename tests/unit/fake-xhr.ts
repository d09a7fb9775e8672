// A stand-in for XMLHttpRequest that records what was sent and lets a test
// drive upload progress, the answer, a network error or an abort.
type Listener = (event: { loaded: number, total: number }) => void

export class FakeXhr {
  static instances: FakeXhr[] = []
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: FormData | undefined
  status = 0
  responseText = ''
  aborted = false
  private listeners = new Map<string, Array<() => void>>()
  private progressListeners: Listener[] = []
  upload = {
    addEventListener: (_type: 'progress', listener: Listener) => { this.progressListeners.push(listener) },
  }

  constructor() {
    FakeXhr.instances.push(this)
  }

  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  open(method: string, url: string) {
    this.method = method
    this.url = url
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }

  send(body: FormData) {
    this.body = body
  }

  abort() {
    this.aborted = true
    this.fire('abort')
  }

  /** The browser reports `loaded` bytes of the body sent. */
  progress(loaded: number, total: number) {
    for (const listener of this.progressListeners) listener({ loaded, total })
  }

  respond(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.fire('load')
  }

  failNetwork() {
    this.fire('error')
  }

  /** The names of the form's fields, in the order they were appended. */
  fieldNames(): string[] {
    return [...(this.body?.keys() ?? [])]
  }

  private fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener()
  }

  static reset() {
    FakeXhr.instances = []
  }

  static last(): FakeXhr {
    const last = FakeXhr.instances[FakeXhr.instances.length - 1]
    if (!last) throw new Error('no request was made')
    return last
  }
}
