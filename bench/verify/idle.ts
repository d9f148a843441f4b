// How long memory-child.ts waits without work before it samples memory: one fact for the child,
// the timeouts of bench/verify/memory.ts and the report's text. (A module of its own: the child
// loads it before its first sample, "Node alone", so it must stay this small.)

/**
 * V8's memory reducer, which shrinks the young generation, acts 8 s after a full GC when
 * allocation has stopped (`MemoryReducer::kLongDelayMs`, then a few GCs 0.5 s apart): the idle
 * time must be longer. With 6 s (until 2026-12-07T13Z) it came within the wait only when the last
 * full GC of the list was 2 s or more before it: at 10,000 Jobs RSS was 77 MB in some runs and
 * 108 MB in others (V8's heap 31 or 62 MB committed, the same 28.7 MB in use).
 */
export const IDLE_MS = 12_000;
