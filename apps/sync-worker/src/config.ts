import { ServiceBaseConfig } from '@app/common';

export class SyncConfig extends ServiceBaseConfig {}

export const CONFIG = Symbol('CONFIG');
