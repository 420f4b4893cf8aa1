import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HttpErrorFilter } from './http-error.filter';

// One error shape for every HTTP answer: domain codes mapped to statuses (error-mapping.ts).
@Module({
  providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
})
export class ErrorsModule {}
