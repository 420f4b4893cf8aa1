import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';

// The error answers of a route (or of every route of a controller) in the one error shape, by status:
// `@ApiErrors({ 404: 'NOT_FOUND: not one of your items', 429: 'RATE_LIMITED, with Retry-After' })`.
export function ApiErrors(errors: Partial<Record<number, string>>): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: ErrorResponseDto, description }),
    ),
  );
}

// A route for a signed-in user: the bearer token, and 401 UNAUTHORIZED without a valid one.
export function ApiUserAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(ApiBearerAuth(), ApiErrors({ 401: 'UNAUTHORIZED' }));
}
