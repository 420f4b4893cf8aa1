export * from './test-database';
export * from './strict-mock';
