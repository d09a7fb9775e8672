import type { ErrorCode, JoinFrame } from '../../../shared/protocol'
import { admitMember } from '../admission'
import type { Admission, AdmissionRules } from '../admission'
import type { AnswerBudget } from '../answer-budget'
import type { ResolvedHubOptions } from '../hub-options'
import { conversationOnJoin } from '../conversation/pinned-refs'
import { joinHistory } from '../join-history'
import type { JoinHistory } from '../join-history'
import { joinedFrame } from '../joined-frame'
import { countResume, counts } from '../../metrics/counts'
import type { PresenceTracker } from '../presence/presence-tracker'
import { peerOf } from '../private-rooms'
import type { RoomView } from '../presence/room-view'
import type { Session } from '../session-index'
import type { MemberRecord, RoomRecord, RoomStore } from '../types'
import type { RoomInterest } from './interest'
import type { Liveness } from './liveness'
import { memberByToken } from './member-actions'
import type { MemberRemovals } from './removals'
import type { HubSockets } from './sockets'

/** A member let in, new or resumed; a resumed member's room may be gone by the time it is read. */
type Admitted = Omit<Exclude<Admission, { code: ErrorCode }>, 'room'> & { room: RoomRecord | undefined }

export interface RoomJoinsOptions {
  store: RoomStore
  presence: Pick<PresenceTracker, 'viewOf'>
  liveness: Pick<Liveness, 'entered' | 'released'>
  sockets: Pick<HubSockets, 'index' | 'detach' | 'send' | 'sendError'>
  interest: Pick<RoomInterest, 'enter' | 'leave'>
  removals: Pick<MemberRemovals, 'removeMember'>
  answers: AnswerBudget
  /** The admission rules that are the same for every join. */
  rules: Omit<AdmissionRules, 'clientAddress'>
  options: Pick<ResolvedHubOptions, 'heartbeatWindowMs' | 'framesPerSecond' | 'frameBurst' | 'log'>
}

/** The join transaction: a member admitted (or resumed by its token), then its socket put in the room. */
export class RoomJoins {
  constructor(private readonly options: RoomJoinsOptions) {}

  async join(session: Session, frame: JoinFrame): Promise<void> {
    const { store, rules, sockets } = this.options
    // A private room's seat token stands for its member even when the member came in with another one.
    let resumed = frame.token ? await memberByToken(store, frame.roomId, frame.token) : undefined
    // A resumed member can be removed (a leave on another instance) before
    // this socket is in the room: its token is then unknown, and the join
    // goes on as a new member, as for any unknown token.
    for (;;) {
      const now = Date.now()
      // The token is enough to come back, protected room or not.
      const admitted = resumed
        ? { member: resumed, token: frame.token!, created: false, room: await store.getRoom(resumed.roomId) }
        : await admitMember(store, frame, now, { ...rules, clientAddress: session.address })
      if ('code' in admitted) return sockets.sendError(session, admitted.code, admitted.message, admitted.retryAfterMs)
      // A member reclaimed by its tripcode existed before this join: a failed join must not remove it.
      if (await this.enter(session, frame, admitted, resumed !== undefined || ('reclaimed' in admitted && admitted.reclaimed === true), now)) return
      if (!resumed) throw new Error(`member ${admitted.member.id} was removed while joining room ${frame.roomId}`)
      resumed = undefined
    }
  }

  /**
   * Puts the socket in the room. A step that fails undoes what the earlier
   * ones did, so a failed join leaves no member holding its name, no
   * interest keeping the room's subscription and a stale view alive, and no
   * half-attached socket: the next join of the room starts clean. False when
   * the member was removed before the socket was in the room.
   */
  private async enter(session: Session, frame: JoinFrame, admitted: Admitted, resumed: boolean, now: number): Promise<boolean> {
    const { store, sockets, options } = this.options
    const { member, token, created } = admitted
    const passwordHash = admitted.room?.passwordHash ?? null
    const roomId = member.roomId
    let entered = false
    let attached = false
    let answer: JoinHistory
    let conversation: Awaited<ReturnType<typeof conversationOnJoin>>
    let view: RoomView
    try {
      await this.options.interest.enter(roomId)
      entered = true
      if (session.closed) return await this.abandon(session, member, resumed, false)
      view = await this.options.presence.viewOf(roomId, member.id)
      session.tabId = frame.tabId
      sockets.index.attach(session, { id: member.id, name: member.name, roomId, joinedAt: member.joinedAt, ...(admitted.room?.e2eeSalt ? { e2ee: true as const } : {}) }, true)
      attached = true
      // Checked once the socket is attached and the room subscribed: a
      // removal after this reaches the socket as a 'left' event, one before
      // it is seen here, so no socket goes on acting for a removed member.
      // The history and the conversation's state are read at the same time
      // (one round trip to a remote store, not three): they too are read
      // once the socket is attached, so a change after them reaches it in
      // the backlog, and they are dropped if the member turns out gone.
      const [stillMember, history, settings] = await Promise.all([
        store.touchMember(roomId, member.id, now),
        joinHistory(store, this.options.answers, session, roomId, resumed ? frame.lastSeq : undefined, now),
        conversationOnJoin(store, roomId),
      ])
      if (!stillMember) {
        // Told 'left' by the member's removal event meanwhile: the leave won, and the socket knows.
        const told = !session.member
        this.undoEnter(session, roomId, entered, attached)
        return told
      }
      answer = history
      conversation = settings
    }
    catch (error) {
      this.undoEnter(session, roomId, entered, attached)
      if (!resumed) await store.undoAddMember(roomId, member.id)
      throw error
    }
    if (session.closed) return await this.abandon(session, member, resumed, true)
    // Detached meanwhile: the member was removed, and the socket was told.
    if (!session.backlog) return true
    // Nothing below awaits: the snapshot, the joined frame and the backlog go out together.
    this.options.liveness.entered(roomId, view, { id: member.id, name: member.name, active: true }, !resumed)
    sockets.send(session, joinedFrame({
      member,
      token,
      created,
      history: answer.history,
      view,
      heartbeatWindowMs: options.heartbeatWindowMs,
      frameRate: { perSecond: options.framesPerSecond, burst: options.frameBurst },
      // A join with lastSeq but no known token resumes nothing: its history is the recent one.
      recovered: frame.lastSeq === undefined ? undefined : answer.recovered === true,
      hasMore: answer.hasMore,
      room: admitted.room,
      peer: peerOf(admitted.room, member.id, id => view.get(id)),
      passwordIgnored: frame.password !== undefined && passwordHash === null,
      conversation,
    }))
    const cursor = answer.history.at(-1)?.seq ?? (answer.recovered && !answer.hasMore ? frame.lastSeq! : 0)
    for (const held of session.backlog) if (held.seq > cursor) session.conn.send(held.data)
    session.backlog = undefined
    if (created) options.log('a room was created', 'room_created')
    counts.joins++
    if (frame.lastSeq !== undefined) countResume(answer.recovered === true)
    return true
  }

  /** Takes a joining socket back out of the room, whichever steps it got through. */
  private undoEnter(session: Session, roomId: string, entered: boolean, attached: boolean): void {
    // Still attached: detaching leaves the room too. Attached and since
    // detached (a 'left' event, or the socket closed): it left already.
    if (session.member) this.options.sockets.detach(session)
    else if (entered && !attached) this.options.interest.leave(roomId)
  }

  // The socket closed before it got its joined frame. A new member's token
  // never reached anyone, so the member goes; a resumed one is released.
  private async abandon(session: Session, member: MemberRecord, resumed: boolean, attached: boolean): Promise<true> {
    this.undoEnter(session, member.roomId, true, attached)
    if (resumed) await this.options.liveness.released(member.roomId, member.id)
    else await this.options.removals.removeMember(member.roomId, member.id)
    return true
  }
}
