import { ServiceBaseConfig } from '@app/common';

export class LinkConfig extends ServiceBaseConfig {}

export const CONFIG = Symbol('CONFIG');
