import { Module } from '@nestjs/common';
import { InstitutionNamesService } from './institution-names.service';
import { InstitutionsRepository } from './institutions.repository';

// The institution name cache; the repository is shared with the breaker (plaid-limits), which owns the pause.
@Module({
  providers: [InstitutionsRepository, InstitutionNamesService],
  exports: [InstitutionNamesService, InstitutionsRepository],
})
export class InstitutionsModule {}
