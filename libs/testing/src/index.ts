export * from './test-database';
export * from './strict-mock';
export * from './user-data';
export * from './service-test';
