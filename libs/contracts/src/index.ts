export * from './patterns';
export * from './queues';
export * from './errors';
export * from './rpc-contract';
export * from './health/ping';
export * from './auth/credentials.dto';
export * from './auth/session.payloads';
export * from './auth/auth.responses';
