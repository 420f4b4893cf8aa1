import { Module } from '@nestjs/common';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AccountsWriter } from './accounts.writer';

// The accounts read API (RPC) and the writer the sync path upserts and deletes accounts with.
@Module({
  controllers: [AccountsHandler],
  providers: [AccountsRepository, AccountsService, AccountsWriter],
  exports: [AccountsRepository, AccountsWriter],
})
export class AccountsModule {}
