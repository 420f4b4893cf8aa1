import { Module } from '@nestjs/common';
import { InstitutionsModule } from '../institutions/institutions.module';
import { InstitutionBreaker } from './institution-breaker.service';
import { PlaidCallWindowsRepository } from './plaid-call-windows.repository';
import { PlaidRateLimiter } from './plaid-rate-limiter.service';

// What keeps the worker off Plaid when calling would not help: the per-item rate limiter and the institution
// circuit breaker.
@Module({
  imports: [InstitutionsModule],
  providers: [PlaidCallWindowsRepository, PlaidRateLimiter, InstitutionBreaker],
  exports: [PlaidRateLimiter, InstitutionBreaker],
})
export class PlaidLimitsModule {}
