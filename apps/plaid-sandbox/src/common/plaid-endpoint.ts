import { applyDecorators, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { PlaidAuthGuard } from './plaid-auth.guard';
import { PlaidCallInterceptor } from './plaid-call.interceptor';

/** Services build a Plaid response without request_id; the interceptor adds it to every body. */
export type WithoutRequestId<T> = Omit<T, 'request_id'>;

/** A Plaid API route: POST, 200 on success, credentials checked, counted, failure injection applied. */
export function PlaidPost(path: string): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    UseGuards(PlaidAuthGuard),
    UseInterceptors(PlaidCallInterceptor),
  );
}

/** A /sandbox-control route that answers 200 rather than Nest's default 201. */
export function ControlPost(path: string): MethodDecorator {
  return applyDecorators(Post(path), HttpCode(200));
}
