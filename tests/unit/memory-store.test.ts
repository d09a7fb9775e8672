import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { describeRoomRules } from './room-rules.contract'
import { describeRoomStore } from './room-store.contract'

describeRoomStore('MemoryRoomStore', historyLimit => new MemoryRoomStore(historyLimit))
describeRoomRules('MemoryRoomStore', () => new MemoryRoomStore())
