import { afterEach, describe, expect, it } from 'vitest'
import { SendBudget } from '../../server/transport/send-budget'

class FakeSocket {
  cuts = 0
  constructor(public bufferedAmount = 0) {}
  cut() {
    this.cuts++
  }
}

const budgets: SendBudget[] = []
function budget(options: ConstructorParameters<typeof SendBudget>[0]) {
  const made = new SendBudget({ checkIntervalMs: 60_000, ...options })
  budgets.push(made)
  return made
}
afterEach(() => budgets.splice(0).forEach(made => made.dispose()))

describe('SendBudget', () => {
  it('writes everything to a socket that keeps up', () => {
    const sendBudget = budget({ softMarkBytes: 100, hardMarkBytes: 1000 })
    const socket = new FakeSocket(99)
    expect(sendBudget.admit(socket, true)).toBe(true)
    expect(sendBudget.admit(socket, false)).toBe(true)
    expect(sendBudget.backloggedCount).toBe(0)
  })

  it('past the soft mark drops what the next frame supersedes and keeps the rest', () => {
    const sendBudget = budget({ softMarkBytes: 100, hardMarkBytes: 1000 })
    const socket = new FakeSocket(100)
    expect(sendBudget.admit(socket, true)).toBe(false)
    expect(sendBudget.admit(socket, false)).toBe(true)
    expect(socket.cuts).toBe(0)
  })

  it('past the hard mark cuts the socket and writes nothing', () => {
    const sendBudget = budget({ softMarkBytes: 100, hardMarkBytes: 1000 })
    const socket = new FakeSocket(1001)
    expect(sendBudget.admit(socket, false)).toBe(false)
    expect(socket.cuts).toBe(1)
  })

  it('over the total, cuts the most backlogged sockets until the rest fit', () => {
    const sendBudget = budget({ softMarkBytes: 100, hardMarkBytes: 10_000, totalBytes: 2500 })
    const sockets = [new FakeSocket(900), new FakeSocket(2000), new FakeSocket(500), new FakeSocket(50)]
    for (const socket of sockets) sendBudget.admit(socket, false)
    sendBudget.check()
    expect(sockets.map(socket => socket.cuts)).toEqual([0, 1, 0, 0])
  })

  it('forgets sockets that caught up', () => {
    const sendBudget = budget({ softMarkBytes: 100, hardMarkBytes: 10_000 })
    const socket = new FakeSocket(500)
    sendBudget.admit(socket, false)
    expect(sendBudget.backloggedCount).toBe(1)
    socket.bufferedAmount = 0
    sendBudget.check()
    expect(sendBudget.backloggedCount).toBe(0)
  })
})
