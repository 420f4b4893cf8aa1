export * from './config';
export * from './secrets';
export * from './service-config';
export * from './request-context';
export * from './logging';
export * from './metrics';
export * from './sealed';
export * from './pg-errors';
