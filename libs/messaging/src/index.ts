export * from './rmq-options';
export * from './rpc-client';
export * from './rpc-server';
export * from './fanout';
export * from './microservice';
export * from './health.handler';
