import { AnswerBudget } from '../answer-budget'
import type { ResolvedHubOptions } from '../hub-options'
import { MembershipLedger } from '../membership-ledger'
import { PasswordHashing } from '../password-hashing'
import { FailureWindow, TokenBuckets } from '../rate-limits'

/** Members this process tracks by client address, in total; past it joins get SERVER_FULL. */
const MAX_TRACKED_MEMBERSHIPS = 100_000
/** How often an address at its membership cap is checked against the store for members removed elsewhere. */
const MEMBERSHIP_RECHECK_MS = 15_000

/** The per-address and per-member limits of this process, which every sweep prunes. */
export interface HubLimits {
  /** Wrong passwords per client address and room. */
  passwordFailures: FailureWindow
  /** Live members per client address. */
  memberships: MembershipLedger
  /** Rooms created per client address. */
  roomCreations: TokenBuckets
  /** Private rooms asked for, per member (room and id). */
  dmRequests: TokenBuckets
  /** Every scrypt, rate-limited per address and queued server-wide. */
  hashing: PasswordHashing
  /** Bytes of history pages and join history per socket and per address. */
  answers: AnswerBudget
}

export function hubLimits(options: ResolvedHubOptions): HubLimits {
  return {
    passwordFailures: new FailureWindow(options.passwordFailuresPerMinute, 60_000),
    memberships: new MembershipLedger(options.membersPerAddress, MAX_TRACKED_MEMBERSHIPS, MEMBERSHIP_RECHECK_MS),
    roomCreations: new TokenBuckets(options.roomsPerAddressPerMinute),
    dmRequests: new TokenBuckets(options.dmRequestsPerMinute),
    hashing: new PasswordHashing({
      hashesPerMinute: options.passwordHashesPerMinute,
      concurrency: options.passwordHashConcurrency,
      queueLimit: options.passwordHashQueue,
    }),
    answers: new AnswerBudget(options.answerBudget),
  }
}

/** In the order each sweep prunes them. */
export function prunableLimits(limits: HubLimits): Array<{ prune(now: number): void }> {
  return [limits.passwordFailures, limits.roomCreations, limits.dmRequests, limits.hashing, limits.answers]
}
