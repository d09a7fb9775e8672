import { LIMITS } from '../../shared/protocol'
import type { ChatMessage } from '../../shared/protocol'
import { newestWithinBytes } from './answer-budget'
import type { AnswerBudget } from './answer-budget'
import type { Session } from './session-index'
import type { RoomStore } from './types'

export interface JoinHistory {
  history: ChatMessage[]
  /** Set only when the join asked to resume from a seq (see JoinedFrame.recovered). */
  recovered: boolean | undefined
  /** Older messages than `history` are held and were left out. */
  hasMore: boolean
}

/**
 * The history a join gets: one page at most (`LIMITS.historyOnJoin`
 * messages, `LIMITS.historyPageMaxBytes`), a resume included, so that
 * reconnecting from seq 0 costs no more than any join. A socket or address
 * past its answer budget gets none, and is told there is more: the join
 * itself is never refused for it.
 */
export async function joinHistory(store: RoomStore, budget: AnswerBudget, session: Session, roomId: string, lastSeq: number | undefined, now: number): Promise<JoinHistory> {
  if (budget.reserve(session, session.address, LIMITS.historyPageMaxBytes, now) > 0) {
    return { history: [], recovered: lastSeq === undefined ? undefined : true, hasMore: true }
  }
  let page: ReturnType<typeof newestWithinBytes> = { messages: [], trimmed: false, bytes: 0 }
  let missed: ChatMessage[] | undefined
  try {
    missed = lastSeq === undefined ? undefined : await store.messagesAfter(roomId, lastSeq, LIMITS.historyOnJoin)
    // A resume carries thread replies too (each counts in a root's summary); a fresh join gets the main timeline's last page.
    page = newestWithinBytes(missed ?? (await store.timelineBefore(roomId, Number.MAX_SAFE_INTEGER, LIMITS.historyOnJoin)).messages, LIMITS.historyPageMaxBytes)
  }
  finally {
    budget.charge(session, session.address, page.bytes - LIMITS.historyPageMaxBytes)
  }
  // Held seqs are consecutive: a resume left messages out when its first is not right after lastSeq.
  const resumeCut = missed !== undefined && missed.length > 0 && missed[0]!.seq > lastSeq! + 1
  return {
    history: page.messages,
    recovered: lastSeq === undefined ? undefined : missed !== undefined,
    hasMore: page.trimmed || resumeCut,
  }
}
