export type { IWorkQueue, WorkQueueAddress } from './queue';
export { WorkQueueEnv } from './queue';
export type { RedisQueueOptions } from './redis-queue';
export { RedisQueue } from './redis-queue';
export type { TicketQueueOptions } from './ticket-queue';
export { TicketQueue } from './ticket-queue';
export { WorkQueue } from './work-queue';
