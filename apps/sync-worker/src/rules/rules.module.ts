import { Module } from '@nestjs/common';
import { TransactionsModule } from '../transactions/transactions.module';
import { RulesHandler } from './rules.handler';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';

// The user's rules (RPC CRUD). The page write applies them (transactions/rule-effects.sql.ts).
@Module({
  imports: [TransactionsModule],
  controllers: [RulesHandler],
  providers: [RulesRepository, RulesService],
})
export class RulesModule {}
